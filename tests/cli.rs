//! The command line as a user meets it: exit codes, messages on stderr, the JSON report's keys.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloud-sandbox"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

#[test]
fn mm10_for_an_hour_reports_the_erlang_c_wait() {
    let o = cli(&["run", "saves/theory/mm10.ron", "--duration", "1h", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let server = v["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "server").unwrap();
    let wait = server["mean_wait_ms"].as_f64().unwrap();
    // Erlang C for λ = 900/s, μ = 100/s, c = 10: Wq = 6.687315 ms (shared/reference/queueing.md).
    assert!((wait - 6.687_315).abs() / 6.687_315 < 0.05, "mean_wait_ms {wait}");
    assert_eq!(v["sim_seconds"].as_f64(), Some(3600.0));
}

#[test]
fn json_report_has_every_documented_key() {
    let o = cli(&["run", "saves/coffee-shop-microservices.ron", "--json", "--duration", "5m", "--seed", "9"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "seed",
        "sim_seconds",
        "events",
        "wall_seconds",
        "requests",
        "failures",
        "latency_ms",
        "throughput_rps",
        "cost_usd",
        "nodes",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["seed"], 9);
    for key in ["generated", "succeeded", "failed", "in_flight"] {
        assert!(v["requests"][key].is_u64(), "requests.{key}");
    }
    for key in ["mean", "p50", "p95", "p99", "max"] {
        assert!(v["latency_ms"][key].is_f64(), "latency_ms.{key}");
    }
    for key in ["total", "per_hour", "monthly_projection", "per_million_requests", "free_tier_savings"] {
        assert!(v["cost_usd"][key].is_f64(), "cost_usd.{key}");
    }
    for key in ["by_node", "by_service", "by_purchase_option"] {
        assert!(v["cost_usd"][key].is_object(), "cost_usd.{key}");
    }
    assert_eq!(v["cost_usd"]["free_tier"], false);
    let nodes = v["nodes"].as_array().unwrap();
    let by_id = |id: &str| nodes.iter().find(|n| n["id"] == id).unwrap();
    for n in nodes {
        for key in ["id", "name", "kind", "arrivals", "completed", "failed", "mean_wait_ms", "utilization", "cost_usd"]
        {
            assert!(n.get(key).is_some(), "node {} lacks {key}", n["id"]);
        }
    }
    assert_eq!(by_id("orders")["kind"], "queue");
    for key in ["sent", "received", "deleted", "expired", "dead_lettered", "in_queue_at_end", "max_depth"] {
        assert!(by_id("orders")[key].is_u64(), "queue {key}");
    }
    assert_eq!(by_id("barista")["kind"], "instance");
    assert!(by_id("barista")["running"].is_u64() && by_id("barista")["desired"].is_u64());
    assert_eq!(by_id("customers")["kind"], "client");
}

#[test]
fn function_nodes_report_invocations_throttles_and_cold_starts() {
    let o = cli(&["run", "saves/thumbnail-lambda.ron", "--json", "--duration", "60s"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = v["nodes"].as_array().unwrap().iter().find(|n| n["kind"] == "function").unwrap();
    for key in ["invocations", "throttled", "cold_starts"] {
        assert!(f[key].is_u64(), "function {key}");
    }
}

#[test]
fn text_report_and_check_succeed() {
    let o = cli(&["run", "saves/web-app.ron", "--duration", "60s"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("requests:") && out.contains("latency ms:") && out.contains("cost:"), "{out}");
    let o = cli(&["check", "saves/web-app.ron"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("valid"));
}

#[test]
fn an_invalid_diagram_exits_1_naming_the_node() {
    let (_dir, path) = temp_file(
        "bad.ron",
        "(format_version: 1, nodes: [(id: \"c\", kind: Client(rate_per_sec: -1.0)), (id: \"s\", kind: Instance(count: 0))], edges: [(from: \"c\", to: \"s\")])",
    );
    for command in ["check", "run"] {
        let o = cli(&[command, path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{command}");
        let err = stderr(&o);
        assert!(err.contains("node 'c'") && err.contains("node 's'") && err.contains("count"), "{err}");
    }
}

#[test]
fn an_unreadable_file_exits_2_saying_where() {
    let (_dir, path) = temp_file("broken.ron", "(format_version: 1,\n nodes: [ (id: \"x\" ]\n");
    for command in ["check", "run"] {
        let o = cli(&[command, path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{command}");
        assert!(stderr(&o).contains("broken.ron:2:"), "{}", stderr(&o));
    }
    let o = cli(&["run", "no/such/file.ron"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no/such/file.ron"), "{}", stderr(&o));
}

#[test]
fn bad_arguments_exit_2() {
    for args in [
        &["run", "saves/web-app.ron", "--duration", "ten minutes"][..],
        &["run", "saves/web-app.ron", "--seed", "-4"],
        &["run"],
        &["frobnicate"],
        &["run", "saves/web-app.ron", "--pricing", "no-such-catalog.ron"],
    ] {
        let o = cli(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let o = cli(&["run", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stdout).contains("--duration"));
}

#[cfg(not(feature = "gui"))]
#[test]
fn without_the_gui_feature_no_arguments_says_there_is_no_window() {
    let o = cli(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("window"), "{}", stderr(&o));
}

#[test]
fn run_writes_the_series_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("metrics");
    let o = cli(&["run", "saves/web-app.ron", "--duration", "60s", "--csv", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let global = std::fs::read_to_string(out.join("global.csv")).unwrap();
    let mut lines = global.lines();
    assert!(lines.next().unwrap().starts_with("t_secs,interval_secs,succeeded_per_sec"));
    // One row per simulated second.
    assert_eq!(lines.count(), 60);
    let nodes = std::fs::read_to_string(out.join("nodes.csv")).unwrap();
    assert_eq!(nodes.lines().count(), 1 + 60 * 3, "a row per second for each of the three nodes");
    assert!(nodes.contains(",web,instance,"));
}

#[test]
fn open_refuses_a_speed_it_cannot_play_at() {
    let o = cli(&["open", "saves/web-app.ron", "--play", "--speed", "5000"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("is not a speed"), "{}", stderr(&o));
}

#[test]
fn free_tier_flag_takes_the_allowances_off() {
    let full = cli(&["run", "saves/thumbnail-lambda.ron", "--json", "--duration", "5m"]);
    let free = cli(&["run", "saves/thumbnail-lambda.ron", "--json", "--duration", "5m", "--free-tier"]);
    assert_eq!(free.status.code(), Some(0), "{}", stderr(&free));
    let full: serde_json::Value = serde_json::from_slice(&full.stdout).unwrap();
    let free: serde_json::Value = serde_json::from_slice(&free.stdout).unwrap();
    assert_eq!(free["cost_usd"]["free_tier"], true);
    let (a, b) = (full["cost_usd"]["total"].as_f64().unwrap(), free["cost_usd"]["total"].as_f64().unwrap());
    let saved = free["cost_usd"]["free_tier_savings"].as_f64().unwrap();
    assert!(saved > 0.0 && (a - b - saved).abs() < 1e-9, "{a} - {b} should be {saved}");
}

#[test]
fn compare_shows_the_monolith_failing_and_the_microservices_keeping_every_order() {
    let o = cli(&["compare", "saves/coffee-shop-monolith.ron", "saves/coffee-shop-microservices.ron", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["seed"], 7, "the first file's seed");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    let (mono, micro) = (&runs[0], &runs[1]);
    assert_eq!(mono["file"], "saves/coffee-shop-monolith.ron");
    assert_eq!(micro["file"], "saves/coffee-shop-microservices.ron");
    for run in runs {
        for key in
            ["seed", "requests", "failures", "latency_ms", "cost_usd", "nodes", "work", "time_to_fulfil_ms", "faults"]
        {
            assert!(run.get(key).is_some(), "{}: missing {key}", run["file"]);
        }
        for key in ["fulfilled", "lost", "pending"] {
            assert!(run["work"][key].is_u64(), "work.{key}");
        }
        for q in run["nodes"].as_array().unwrap().iter().filter(|n| n["kind"] == "queue") {
            assert!(q["max_depth"].is_u64(), "{q}");
        }
    }
    // The same client with the same seed sends the same requests to both designs.
    assert_eq!(mono["requests"]["generated"], micro["requests"]["generated"]);

    // The monolith loses the orders of its whole 120 s outage (20 orders a second)...
    let fault = &mono["faults"][0];
    assert_eq!((fault["start_secs"].as_f64(), fault["end_secs"].as_f64()), (Some(300.0), Some(420.0)));
    let during = fault["failed_during"].as_u64().unwrap();
    assert!((2150..=2650).contains(&during), "{during}");
    assert_eq!(mono["requests"]["failed"].as_u64(), Some(during), "and fails nothing outside it");
    assert_eq!(mono["work"]["lost"], mono["requests"]["failed"]);

    // ...while the microservices accept every order, lose none, and the queue peaks then drains.
    assert_eq!(micro["requests"]["failed"], 0);
    assert_eq!(micro["work"]["lost"], 0);
    assert_eq!(micro["faults"][0]["failed_during"], 0);
    let orders = micro["nodes"].as_array().unwrap().iter().find(|n| n["id"] == "orders").unwrap();
    assert!(orders["max_depth"].as_u64().unwrap() > 2000, "{orders}");
    assert!(orders["in_queue_at_end"].as_u64().unwrap() < 20, "{orders}");
    // Draining 2,400 orders at the baristas' spare 40 − 20 = ~20 a second takes on the order of a
    // minute or two.
    let recovery = micro["faults"][0]["recovery_secs"].as_f64().unwrap();
    assert!((20.0..=180.0).contains(&recovery), "{recovery}");
    // Failures stop as soon as the monolith is back; the queue is what takes time to drain.
    assert_eq!(micro["faults"][0]["queues_drained_secs"].as_f64(), Some(recovery));
    assert_eq!(micro["faults"][0]["failures_stopped_secs"].as_f64(), Some(0.0));
    assert_eq!(mono["faults"][0]["has_queues"], false);
    assert!(mono["faults"][0]["failures_stopped_secs"].as_f64().unwrap() <= 2.0);

    // The verdict says so in words, with those figures.
    let verdict = v["verdict"].as_str().unwrap();
    let thousands = |n: u64| cloud_sandbox::report::verdict::grouped(n);
    let share = 100.0 * during as f64 / mono["requests"]["generated"].as_f64().unwrap();
    for part in [
        "Under the same 2-minute barista outage".to_owned(),
        format!("A failed {} requests ({share:.0} %)", thousands(during)),
        "B failed none and lost no work".to_owned(),
        format!("peaked at {}", thousands(orders["max_depth"].as_u64().unwrap())),
        format!("drained {recovery:.0} s after the fault"),
        "B costs".to_owned(),
    ] {
        assert!(verdict.contains(&part), "'{part}' missing from: {verdict}");
    }
}

#[test]
fn compare_applies_one_fault_script_matched_by_name_and_says_what_does_not_match() {
    let o = cli(&[
        "compare",
        "saves/coffee-shop-monolith.ron",
        "saves/coffee-shop-microservices.ron",
        "--faults",
        "saves/faults/barista-outage.ron",
        "--duration",
        "10m",
        "--seed",
        "3",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("compare: seed 3, 600 s simulated each"), "{text}");
    assert!(text.contains("shop: component barista fails"), "{text}");
    assert!(text.contains("barista: crashes"), "{text}");
    for label in [
        "work lost",
        "peak queue depth",
        "failures stopped after fault 1",
        "queues drained after fault 1",
        "cost per million requests",
    ] {
        assert!(text.contains(label), "missing {label}: {text}");
    }

    let (_dir, script) = temp_file("roaster.ron", "[Crash(node: \"roaster\", at_secs: 10.0)]");
    let o = cli(&[
        "compare",
        "saves/coffee-shop-monolith.ron",
        "saves/coffee-shop-microservices.ron",
        "--faults",
        script.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("saves/coffee-shop-monolith.ron: fault 1"), "{}", stderr(&o));
    assert!(stderr(&o).contains("'roaster'"), "{}", stderr(&o));

    let (_dir, broken) = temp_file("broken.ron", "[Crash(node: \"x\", at_secs: )]");
    let o = cli(&["compare", "saves/web-app.ron", "saves/web-app.ron", "--faults", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.ron:1:"), "{}", stderr(&o));
}

#[test]
fn check_lists_warnings_with_exit_code_0_and_errors_with_1() {
    let warned = r#"(format_version: 1, nodes: [
        (id: "c", kind: Client(rate_per_sec: 5.0)),
        (id: "lb", kind: Balancer()),
    ], edges: [(from: "c", to: "lb")])"#;
    let (_dir, path) = temp_file("warned.ron", warned);
    let o = cli(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("valid (2 nodes, 1 edges, 0 faults), with 1 warning"));
    assert!(stderr(&o).contains("warning: node 'lb': this balancer has no target"), "{}", stderr(&o));

    let broken = r#"(format_version: 1, nodes: [
        (id: "c", kind: Client(rate_per_sec: -5.0)),
        (id: "lb", kind: Balancer()),
    ], edges: [(from: "c", to: "lb")])"#;
    let (_dir, path) = temp_file("broken.ron", broken);
    let o = cli(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error: node 'c'") && err.contains("warning: node 'lb'"), "{err}");
    assert!(err.contains("1 problem(s) that stop it from running, and 1 warning(s)"), "{err}");
}

#[test]
fn export_draws_the_diagram_as_svg_and_png_and_the_charts_of_a_run() {
    use cloud_sandbox::scene::export::png_from_svg;
    let dir = tempfile::tempdir().unwrap();
    let (svg, png, charts) = (dir.path().join("x.svg"), dir.path().join("x.png"), dir.path().join("charts"));
    let file = "saves/coffee-shop-microservices.ron";
    let o = cli(&["export", file, "--svg", svg.to_str().unwrap(), "--png", png.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Valid XML, a group per node and per edge of the file.
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = resvg::usvg::roxmltree::Document::parse(&text).unwrap();
    let groups =
        |class: &str| doc.descendants().filter(|n| n.has_tag_name("g") && n.attribute("class") == Some(class)).count();
    let diagram = cloud_sandbox::model::file::load(std::path::Path::new(file)).unwrap();
    assert_eq!(groups("node"), diagram.nodes.len());
    assert_eq!(groups("edge"), diagram.edges.len());
    for n in &diagram.nodes {
        assert!(text.contains(n.label()), "{} is named", n.label());
    }
    // A real PNG of the picture's size (two pixels per point).
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let svg_width: f32 = doc.root_element().attribute("width").unwrap().parse().unwrap();
    assert_eq!(width, (svg_width * 2.0).ceil() as u32);
    assert_eq!(png_from_svg(&text, 2.0).unwrap(), bytes, "the same picture as rendering the SVG");

    // Run to six minutes: the barista is down (the outage runs from 5:00 to 7:00), the queue full.
    let o = cli(&["export", file, "--svg", svg.to_str().unwrap(), "--at", "6m", "--charts", charts.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(text.contains(">DOWN<") && text.contains("in queue") && text.contains("at 6:00 of 15:00"), "{text}");
    for key in ["throughput", "latency", "time-to-fulfil", "waiting-work", "message-age", "cost"] {
        for ext in ["svg", "png"] {
            let path = charts.join(format!("{key}.{ext}"));
            assert!(std::fs::metadata(&path).unwrap().len() > 1000, "{}", path.display());
        }
    }

    let o = cli(&["export", file]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--svg"), "{}", stderr(&o));
}

#[test]
fn run_prints_the_report_as_markdown_tables_naming_the_nodes() {
    let md = cli(&["run", "saves/web-app.ron", "--duration", "60s", "--markdown"]);
    assert_eq!(md.status.code(), Some(0), "{}", stderr(&md));
    let md = String::from_utf8_lossy(&md.stdout).into_owned();
    let json = cli(&["run", "saves/web-app.ron", "--duration", "60s", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(md.starts_with("# Web application behind a load balancer\n"), "{md}");
    let generated = cloud_sandbox::report::verdict::grouped(json["requests"]["generated"].as_u64().unwrap());
    assert!(md.contains(&format!("| requests generated | {generated} |")), "{md}");
    assert!(md.contains("| node | kind | arrivals |"), "{md}");
    for node in json["nodes"].as_array().unwrap() {
        let row = format!(
            "| {} (`{}`) | {} |",
            node["name"].as_str().unwrap(),
            node["id"].as_str().unwrap(),
            node["kind"].as_str().unwrap()
        );
        assert!(md.contains(&row), "missing {row}: {md}");
    }
    // Every table row has as many cells as its header.
    for table in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let cells = |line: &str| line.matches(" | ").count();
        let mut lines = table.lines();
        let header = cells(lines.next().unwrap());
        assert!(lines.skip(1).all(|l| cells(l) == header), "{table}");
    }
}

#[test]
fn devices_fifos_and_huge_files_are_refused_without_reading_them() {
    // /dev/zero and /dev/urandom used to be read forever; a FIFO blocked forever.
    for device in ["/dev/zero", "/dev/urandom"] {
        let o = cli(&["check", device]);
        assert_eq!(o.status.code(), Some(2), "{device}: {}", stderr(&o));
        assert!(stderr(&o).contains("is not a regular file"), "{}", stderr(&o));
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.ron");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let o = cli(&["run", fifo.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("is not a regular file"), "{}", stderr(&o));
    // Larger than any diagram needs: refused by its size, before it is read.
    let big = dir.path().join("big.ron");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(cloud_sandbox::model::file::MAX_FILE_BYTES + 1).unwrap();
    let o = cli(&["check", big.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("larger than"), "{}", stderr(&o));
}

#[test]
fn a_huge_text_field_is_refused_with_its_place() {
    // A 20 MB description made the window take 9.5 s and 4.7 GB to its first frame.
    let text = format!(
        "(format_version: 1, scenario: (description: \"{}\"), nodes: [(id: \"c\", kind: Client())], edges: [])",
        "x".repeat(20_000_000)
    );
    let (_dir, path) = temp_file("long.ron", &text);
    let o = cli(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("scenario: its description has 20000000 characters; at most 10,000"), "{}", stderr(&o));
    let name =
        format!("(format_version: 1, nodes: [(id: \"c\", name: \"{}\", kind: Client())], edges: [])", "n".repeat(300));
    let (_dir, path) = temp_file("name.ron", &name);
    let o = cli(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("node 'c': its name has 300 characters; at most 200"), "{}", stderr(&o));
}

#[test]
fn durations_out_of_range_are_wrong_arguments_and_exponents_read() {
    for bad in ["0", "0s", "400000000", "11y"] {
        let o = cli(&["run", "saves/web-app.ron", "--duration", bad]);
        assert_eq!(o.status.code(), Some(2), "--duration {bad}: {}", stderr(&o));
    }
    let o = cli(&["run", "saves/web-app.ron", "--duration", "1e2", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["sim_seconds"], 100.0);
    let o = cli(&["run", "saves/web-app.ron", "--duration", "1.5e2s", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn csv_cells_cannot_become_spreadsheet_formulas() {
    let text = r#"(format_version: 1, nodes: [
        (id: "=HYPERLINK(\"http://x\")", kind: Client(rate_per_sec: 2.0)),
        (id: "@sum", kind: Instance()),
        (id: "line\rbreak", kind: Instance()),
    ], edges: [(from: "=HYPERLINK(\"http://x\")", to: "@sum")])"#;
    let (dir, path) = temp_file("formula.ron", text);
    let out = dir.path().join("csv");
    let o = cli(&["run", path.to_str().unwrap(), "--duration", "3s", "--csv", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let nodes = std::fs::read_to_string(out.join("nodes.csv")).unwrap();
    assert!(nodes.contains(",\"'=HYPERLINK(\"\"http://x\"\")\",client,"), "{nodes}");
    assert!(nodes.contains(",'@sum,instance,"), "{nodes}");
    assert!(nodes.contains(",\"line\rbreak\",instance,"), "{nodes}");
    for line in nodes.lines() {
        for cell in line.split(',') {
            assert!(!cell.starts_with(['=', '+', '@']), "{cell} in {line}");
        }
    }
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_a_run_and_prints_the_report_of_what_ran() {
    use std::process::Stdio;
    // Ten simulated years of M/M/10: minutes of work, stopped after a moment.
    let child = Command::new(env!("CARGO_BIN_EXE_cloud-sandbox"))
        .args(["run", "saves/theory/mm10.ron", "--duration", "3650d", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1_500));
    let killed = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["stopped"]["reason"], "interrupted");
    let reached = json["sim_seconds"].as_f64().unwrap();
    assert!(reached > 0.0 && reached < 3.2e8, "{reached}");
    assert!(json["requests"]["succeeded"].as_u64().unwrap() > 0, "the figures up to then");
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted at t = "));
}
