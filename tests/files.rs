//! The file format: every example round-trips; saves are atomic; bad files give errors with line
//! and column; `check` names each kind of problem with the node it concerns.
#![allow(clippy::unwrap_used)]

mod common;

use cloud_sandbox::cost::Catalog;
use cloud_sandbox::model::file::{self, FileError};
use cloud_sandbox::model::validate::{Severity, check, check_all, warnings};
use cloud_sandbox::model::{Diagram, Distribution, Edge, Fault, NodeId, NodeKind, QueueParams};
use common::*;

#[test]
fn every_example_round_trips_through_text_and_disk() {
    let dir = tempfile::tempdir().unwrap();
    for path in example_files() {
        let d = file::load(&path).unwrap();
        let problems = check_all(&d, &Catalog::embedded());
        assert!(problems.is_empty(), "{} has problems: {problems:?}", path.display());
        let text = file::to_ron_string(&d).unwrap();
        assert_eq!(file::from_ron_str(&text, "again").unwrap(), d, "{}", path.display());
        let copy = dir.path().join(path.file_name().unwrap());
        file::save(&d, &copy).unwrap();
        assert_eq!(file::load(&copy).unwrap(), d);
    }
    // Only the saved files remain: no temporary files left behind.
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(
        names.iter().all(|n| std::path::Path::new(n).extension().is_some_and(|e| e == "ron") && !n.starts_with('.')),
        "{names:?}"
    );
}

#[test]
fn save_replaces_the_old_file_and_a_failed_save_leaves_it_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.ron");
    let mut d = example("web-app.ron");
    file::save(&d, &path).unwrap();
    d.scenario.name = "changed".into();
    file::save(&d, &path).unwrap();
    assert_eq!(file::load(&path).unwrap().scenario.name, "changed");
    // A folder that does not exist: an error, nothing written.
    let err = file::save(&d, &dir.path().join("missing").join("d.ron")).unwrap_err();
    assert!(matches!(err, FileError::Io { .. }), "{err}");
}

#[test]
fn missing_optional_fields_take_their_defaults() {
    let d = file::from_ron_str(
        "(format_version: 1, nodes: [(id: \"c\", kind: Client()), (id: \"s\", kind: Instance())], \
         edges: [(from: \"c\", to: \"s\")])",
        "short.ron",
    )
    .unwrap();
    assert_eq!(d.scenario.duration_secs, 600.0);
    assert_eq!(d.edges[0].latency_ms, 0.5);
    let NodeKind::Instance(p) = &d.nodes[1].kind else { panic!() };
    assert_eq!(p.instance_type, "m5.large");
    assert_eq!(p.count, 1);
    assert!(check(&d, &Catalog::embedded()).is_empty());
}

#[test]
fn syntax_errors_say_where() {
    let err =
        file::from_ron_str("(format_version: 1,\n  nodes: [\n    (id: \"a\" kind: Client()),\n  ],\n)", "bad.ron")
            .unwrap_err();
    let FileError::Syntax(syntax) = &err else { panic!("{err}") };
    assert_eq!(syntax.line, 3, "{err}");
    assert!(err.to_string().starts_with("bad.ron:3:"), "{err}");
}

#[test]
fn unknown_fields_are_errors_with_their_name() {
    let err =
        file::from_ron_str("(format_version: 1, nodes: [(id: \"c\", kind: Client(rate_per_second: 5.0))])", "typo.ron")
            .unwrap_err()
            .to_string();
    assert!(err.contains("rate_per_second") && err.starts_with("typo.ron:1:"), "{err}");
}

#[test]
fn another_format_version_is_refused() {
    let err = file::from_ron_str("(format_version: 2)", "future.ron").unwrap_err();
    assert!(matches!(err, FileError::Version { found: 2, .. }), "{err}");
    assert!(err.to_string().contains("version 1"), "{err}");
}

fn problems_of(d: &Diagram) -> Vec<String> {
    check(d, &Catalog::embedded()).iter().map(ToString::to_string).collect()
}

fn has(problems: &[String], place: &str, words: &str) -> bool {
    problems.iter().any(|p| p.contains(place) && p.contains(words))
}

fn base() -> Diagram {
    diagram(vec![node("c", poisson(10.0)), node("s", servers(1, 2, 10.0))], vec![edge("c", "s")], 60.0, 0.0)
}

#[test]
fn check_names_each_kind_of_problem_with_its_place() {
    assert!(problems_of(&base()).is_empty());

    let mut d = base();
    d.edges.push(edge("s", "ghost"));
    assert!(has(&problems_of(&d), "edge 2", "'ghost', which does not exist"));

    let mut d = base();
    d.nodes.push(node("s", servers(1, 1, 1.0)));
    assert!(has(&problems_of(&d), "node 's'", "more than one node"));

    let mut d = base();
    d.edges.push(edge("s", "c"));
    assert!(has(&problems_of(&d), "edge 2", "nothing can send to a client"));

    let mut d = base();
    d.nodes.push(node("t", servers(1, 1, 1.0)));
    d.edges.push(edge("s", "t"));
    d.edges.push(edge("t", "s"));
    assert!(has(&problems_of(&d), "node '", "synchronous calls form a cycle"));

    let mut d = base();
    d.nodes[0].kind = poisson(-5.0);
    assert!(has(&problems_of(&d), "node 'c'", "rate_per_sec must be 0 or more"));

    let mut d = base();
    d.nodes[1].kind = servers(1, 0, 10.0);
    assert!(has(&problems_of(&d), "node 's'", "workers_per_instance must be at least 1"));

    let mut d = base();
    if let NodeKind::Instance(p) = &mut d.nodes[1].kind {
        p.service_time = Distribution::Uniform { min_ms: 50.0, max_ms: 10.0 };
        p.instance_type = "x9.huge".into();
    }
    let p = problems_of(&d);
    assert!(has(&p, "node 's'", "max_ms (10) is below min_ms (50)"), "{p:?}");
    assert!(has(&p, "node 's'", "'x9.huge' is not in the pricing catalog"), "{p:?}");

    let mut d = base();
    d.nodes[1].kind = servers(2000, 1000, 10.0);
    d.edges[0].latency_ms = 1e300;
    let p = problems_of(&d);
    assert!(has(&p, "node 's'", "at most 1,000,000 workers"), "{p:?}");
    assert!(has(&p, "edge 1", "latency_ms is beyond ten years"), "{p:?}");

    let mut d = base();
    d.nodes.push(node("lonely", poisson(1.0)));
    assert!(has(&problems_of(&d), "node 'lonely'", "sends to nothing"));

    let mut d = base();
    d.scenario.warmup_secs = 60.0;
    assert!(has(&problems_of(&d), "scenario", "warmup_secs (60) must be shorter"));

    let mut d = base();
    d.scenario.faults.push(Fault::Crash {
        node: NodeId::new("nope"),
        instance: None,
        task: None,
        at_secs: 1.0,
        for_secs: None,
    });
    d.scenario.faults.push(Fault::ComponentFailure {
        node: NodeId::new("s"),
        component: "db".into(),
        at_secs: 1.0,
        for_secs: Some(5.0),
    });
    d.scenario.faults.push(Fault::Crash {
        node: NodeId::new("s"),
        instance: Some(3),
        task: None,
        at_secs: 1.0,
        for_secs: None,
    });
    let p = problems_of(&d);
    assert!(has(&p, "fault 1", "'nope', which does not exist"), "{p:?}");
    assert!(has(&p, "fault 2", "no component 'db'"), "{p:?}");
    assert!(has(&p, "fault 3", "instance 3 does not exist"), "{p:?}");

    let mut d = base();
    d.nodes.push(node("q1", NodeKind::Queue(QueueParams::default())));
    d.nodes.push(node("q2", NodeKind::Queue(QueueParams::default())));
    d.edges.push(edge("s", "q1"));
    d.edges.push(edge("q1", "q2"));
    d.edges.push(Edge { dead_letter: true, ..edge("s", "q2") });
    let p = problems_of(&d);
    assert!(has(&p, "edge 3", "must be marked dead_letter"), "{p:?}");
    assert!(has(&p, "edge 4", "only a queue-to-queue edge"), "{p:?}");
}

#[test]
fn messages_must_fit_what_they_reach_and_backlog_scaling_must_read_a_queue() {
    use cloud_sandbox::model::{AutoScaling, ClientParams, ScalingMetric, TopicParams};
    let client = |bytes| NodeKind::Client(ClientParams { request_bytes: bytes, ..ClientParams::default() });
    // Through an instance node to a queue: the client's message is what arrives there.
    let mut d = diagram(
        vec![
            node("c", client(2_000_000)),
            node("s", servers(1, 1, 10.0)),
            node("q", NodeKind::Queue(QueueParams::default())),
        ],
        vec![edge("c", "s"), edge("s", "q")],
        60.0,
        0.0,
    );
    assert!(has(&problems_of(&d), "node 'c'", "more than a queue message may hold"), "{:?}", problems_of(&d));
    d.nodes[0].kind = client(1_048_576);
    assert!(problems_of(&d).is_empty(), "1 MiB fits");
    let d = diagram(
        vec![node("c", client(300_000)), node("t", NodeKind::Topic(TopicParams::default()))],
        vec![edge("c", "t")],
        60.0,
        0.0,
    );
    assert!(has(&problems_of(&d), "node 'c'", "more than a topic message may hold"), "{:?}", problems_of(&d));
    let mut d = base();
    if let NodeKind::Instance(p) = &mut d.nodes[1].kind {
        p.count = 1;
        p.auto_scaling = Some(AutoScaling {
            metric: Some(ScalingMetric::BacklogPerInstance),
            target: 10.0,
            ..AutoScaling::default()
        });
    }
    assert!(has(&problems_of(&d), "node 's'", "needs the node to read a queue"), "{:?}", problems_of(&d));
}

#[test]
fn the_engine_refuses_a_diagram_with_problems() {
    let mut d = base();
    d.nodes[1].kind = servers(0, 1, 10.0);
    let err = cloud_sandbox::sim::Engine::new(&d, &Catalog::embedded(), &cloud_sandbox::sim::RunOptions::default())
        .unwrap_err();
    assert!(err.to_string().contains("node 's': count must be at least 1"), "{err}");
}

mod mutations {
    use super::*;
    use cloud_sandbox::sim::{Engine, RunOptions};
    use proptest::prelude::*;

    fn texts() -> Vec<String> {
        example_files().iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        /// Damaged files (a character replaced, a number changed, a piece deleted) are refused with
        /// an error or accepted and run: never a panic.
        #[test]
        fn damaged_files_never_panic(
            which in 0..7usize,
            at in 0.0..1.0f64,
            len in 0..12usize,
            replacement in prop_oneof![
                Just(String::new()), Just("-".to_owned()), Just("1e300".to_owned()), Just("0".to_owned()),
                Just("None".to_owned()), Just(")".to_owned()), Just("99999".to_owned()), Just("NaN".to_owned()),
                "[a-z_:,(). 0-9]{1,6}",
            ],
        ) {
            let texts = texts();
            let text = &texts[which % texts.len()];
            let mut start = ((text.len() as f64) * at) as usize;
            while !text.is_char_boundary(start) { start -= 1; }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) { end += 1; }
            let damaged = format!("{}{}{}", &text[..start], replacement, &text[end..]);
            let Ok(mut d) = file::from_ron_str(&damaged, "damaged.ron") else { return Ok(()) };
            if !check(&d, &Catalog::embedded()).is_empty() {
                return Ok(());
            }
            // Valid after all: it must run. Keep the run short so huge rates stay quick.
            d.scenario.duration_secs = d.scenario.duration_secs.min(2.0);
            d.scenario.warmup_secs = d.scenario.warmup_secs.min(1.0);
            if let Ok(mut e) = Engine::new(&d, &Catalog::embedded(), &RunOptions::default()) {
                e.run_until(e.end(), 200_000);
            }
        }
    }
}

#[test]
fn fault_scripts_in_saves_read_and_match_both_coffee_shops() {
    use cloud_sandbox::report::compare::retarget;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("saves/faults");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let faults = cloud_sandbox::model::file::load_faults(&path).unwrap();
        assert!(!faults.is_empty(), "{}", path.display());
        for d in [common::example("coffee-shop-monolith.ron"), common::example("coffee-shop-microservices.ron")] {
            for f in &faults {
                assert!(retarget(f, &d).is_ok(), "{}: {f:?}", path.display());
            }
        }
    }
}

#[test]
fn what_runs_but_probably_not_as_meant_is_a_warning() {
    use cloud_sandbox::model::{BalancerParams, TopicParams};
    let warned = |d: &Diagram| -> Vec<String> {
        let w = warnings(d);
        assert!(w.iter().all(|p| p.severity == Severity::Warning));
        // Warnings never stop a run.
        assert!(check(d, &Catalog::embedded()).is_empty(), "{:?}", check(d, &Catalog::embedded()));
        w.iter().map(ToString::to_string).collect()
    };
    assert!(warned(&base()).is_empty(), "a client calling a server is as meant");
    assert!(has(&warned(&Diagram::default()), "scenario", "the diagram is empty"));

    // A balancer with no target, a topic with no subscriber.
    let mut d = base();
    d.nodes.push(node("lb", NodeKind::Balancer(BalancerParams::default())));
    d.nodes.push(node("t", NodeKind::Topic(TopicParams::default())));
    d.edges.push(edge("c", "lb"));
    d.edges.push(edge("c", "t"));
    let w = warned(&d);
    assert!(has(&w, "node 'lb'", "has no target"), "{w:?}");
    assert!(has(&w, "node 't'", "has no subscriber"), "{w:?}");

    // A queue nobody sends to; one nobody reads; a dead-letter queue that is only kept is fine.
    let mut d = base();
    d.nodes.push(node("lonely", NodeKind::Queue(QueueParams::default())));
    d.nodes.push(node("unread", NodeKind::Queue(QueueParams::default())));
    d.nodes.push(node("dlq", NodeKind::Queue(QueueParams::default())));
    d.edges.push(edge("c", "unread"));
    d.edges.push(Edge { dead_letter: true, ..edge("unread", "dlq") });
    let w = warned(&d);
    assert!(has(&w, "node 'lonely'", "nothing sends to this queue"), "{w:?}");
    assert!(has(&w, "node 'unread'", "nobody reads this queue"), "{w:?}");
    assert!(!w.iter().any(|p| p.contains("'dlq'")), "{w:?}");

    // A node no request can reach.
    let mut d = base();
    d.nodes.push(node("island", servers(1, 1, 10.0)));
    let w = warned(&d);
    assert_eq!(w, vec!["node 'island': no request can reach this node: no path leads to it from a client".to_owned()]);
}

#[cfg(unix)]
#[test]
fn a_save_never_writes_through_a_planted_link_and_cleans_up_old_temporary_files() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine.ron");
    // Someone else's file, and a link planted where the old save put its temporary file.
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "not yours").unwrap();
    let planted = dir.path().join(format!(".mine.ron.{}.tmp", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    // A temporary file left by a save that was killed two hours ago.
    let stale = dir.path().join(".mine.ron.4242.tmp");
    std::fs::write(&stale, "half a diagram").unwrap();
    let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_hours(2);
    std::fs::File::options().write(true).open(&stale).unwrap().set_modified(two_hours_ago).unwrap();

    let d = example("web-app.ron");
    file::save(&d, &target).unwrap();
    assert_eq!(file::load(&target).unwrap(), d);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "not yours", "the link was not followed");
    assert!(!stale.exists(), "the killed save's leftover is gone");
    // Nothing else of ours is left beside the file (the planted link is not ours to remove).
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(
        names,
        vec![planted.file_name().unwrap().to_string_lossy().into_owned(), "mine.ron".into(), "victim.txt".into()]
    );
}

#[test]
fn check_refuses_the_texts_a_file_could_not_be_read_back_with() {
    // What the editor lets someone type must read back: the same limits as loading a file.
    let mut d = base();
    d.nodes[0].name = "n".repeat(201);
    d.scenario.description = "d".repeat(10_001);
    let p = problems_of(&d);
    assert!(has(&p, "node 'c'", "its name has 201 characters; at most 200"), "{p:?}");
    assert!(has(&p, "scenario", "its description has 10001 characters; at most 10,000"), "{p:?}");
    let text = file::to_ron_string(&d).unwrap();
    assert!(matches!(file::from_ron_str(&text, "typed.ron"), Err(FileError::TooLong { .. })));
}

#[cfg(unix)]
#[test]
fn a_saved_file_is_as_readable_as_any_new_file_and_a_replaced_one_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // What the umask gives a new file here.
    let plain = dir.path().join("plain.txt");
    std::fs::write(&plain, "x").unwrap();
    let saved = dir.path().join("saved.ron");
    file::save(&Diagram::default(), &saved).unwrap();
    assert_eq!(mode(&saved), mode(&plain), "not the temporary file's 0600");
    std::fs::set_permissions(&saved, std::fs::Permissions::from_mode(0o640)).unwrap();
    file::save(&Diagram::default(), &saved).unwrap();
    assert_eq!(mode(&saved), 0o640);
}

#[test]
fn each_problem_names_the_field_it_is_about() {
    // The field is what the problem is about, not every name its sentence mentions.
    let field_of = |d: &Diagram, words: &str| {
        check(d, &Catalog::embedded()).into_iter().find(|p| p.message.contains(words)).map(|p| p.field)
    };
    let mut d = base();
    if let NodeKind::Client(p) = &mut d.nodes[0].kind {
        p.retries = 2;
        p.backoff_base_ms = 10.0;
        p.backoff_max_ms = 5.0;
        p.pattern =
            cloud_sandbox::model::TrafficPattern::Ramp { to_rate_per_sec: -1.0, start_secs: 0.0, ramp_secs: 10.0 };
    }
    assert_eq!(field_of(&d, "is below backoff_base_ms"), Some(Some("backoff_max_ms")));
    assert_eq!(field_of(&d, "ramp:"), Some(Some("pattern")));

    let mut d = base();
    if let NodeKind::Instance(p) = &mut d.nodes[1].kind {
        p.auto_scaling = Some(cloud_sandbox::model::AutoScaling { min: 5, max: 2, ..Default::default() });
    }
    assert_eq!(field_of(&d, "must not be more than max"), Some(Some("auto_scaling.min")));

    // About the node as a whole: no field.
    let mut d = base();
    d.nodes.push(node("s", servers(1, 1, 1.0)));
    assert_eq!(field_of(&d, "more than one node"), Some(None));
}

#[test]
fn every_pair_of_kinds_is_wired_by_the_rules() {
    // The rules, written out by hand from the file format's documentation: nothing sends to a
    // client; a queue is read by instances, container services and functions (and forwards to a
    // queue only as its dead-letter queue); a topic does not subscribe to a topic; everything
    // else may be connected. Only queue → queue may be a dead-letter edge.
    use cloud_sandbox::model::Kind;
    use cloud_sandbox::model::validate::wiring_refusal;
    for from in Kind::ALL {
        for to in Kind::ALL {
            let allowed = match (from, to) {
                (_, Kind::Client)
                | (Kind::Queue, Kind::Queue | Kind::Topic | Kind::Balancer)
                | (Kind::Topic, Kind::Topic) => false,
                (
                    Kind::Client | Kind::Balancer | Kind::Instance | Kind::Containers | Kind::Function | Kind::Topic,
                    _,
                )
                | (Kind::Queue, Kind::Instance | Kind::Containers | Kind::Function) => true,
            };
            let refusal = wiring_refusal(from, to, false);
            assert_eq!(refusal.is_none(), allowed, "{from} → {to}: {refusal:?}");
            let dead_letter = wiring_refusal(from, to, true);
            assert_eq!(dead_letter.is_none(), from == Kind::Queue && to == Kind::Queue, "{from} → {to} dead letter");
        }
    }
    let why = wiring_refusal(Kind::Queue, Kind::Balancer, false).unwrap_or_default();
    assert_eq!(
        why,
        "a queue is read by its consumers (instance, containers or function nodes); it does not push to a balancer"
    );
}
