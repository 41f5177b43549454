//! The example diagrams of `saves/`, built into the binary so they work from any folder.

/// (file name, text) of every example, in menu order. The first is opened at start.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("web-app.ron", include_str!("../../saves/web-app.ron")),
    ("coffee-shop-monolith.ron", include_str!("../../saves/coffee-shop-monolith.ron")),
    ("coffee-shop-microservices.ron", include_str!("../../saves/coffee-shop-microservices.ron")),
    ("newsletter-fanout.ron", include_str!("../../saves/newsletter-fanout.ron")),
    ("thumbnail-lambda.ron", include_str!("../../saves/thumbnail-lambda.ron")),
    ("auto-scaling-web.ron", include_str!("../../saves/auto-scaling-web.ron")),
    ("spot-workers.ron", include_str!("../../saves/spot-workers.ron")),
    ("containers-one-host.ron", include_str!("../../saves/containers-one-host.ron")),
    ("containers-fargate-vs-ec2.ron", include_str!("../../saves/containers-fargate-vs-ec2.ron")),
    ("coffee-shop-containers.ron", include_str!("../../saves/coffee-shop-containers.ron")),
    ("theory/mm10.ron", include_str!("../../saves/theory/mm10.ron")),
    ("theory/erlang-b.ron", include_str!("../../saves/theory/erlang-b.ron")),
    ("theory/tandem.ron", include_str!("../../saves/theory/tandem.ron")),
];

/// The first sentence of each example's description, in [`EXAMPLES`] order (worked out once).
pub fn summaries() -> &'static [String] {
    static SUMMARIES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    SUMMARIES.get_or_init(|| {
        EXAMPLES
            .iter()
            .map(|(name, text)| {
                let description =
                    crate::model::file::from_ron_str(text, name).map(|d| d.scenario.description).unwrap_or_default();
                first_sentence(&description)
            })
            .collect()
    })
}

/// The text up to the end of its first sentence (a full stop or colon followed by a space).
fn first_sentence(text: &str) -> String {
    let end =
        text.char_indices().find(|&(i, c)| (c == '.' || c == ':') && text[i + 1..].starts_with(' ')).map(|(i, _)| i);
    let sentence = end.map_or(text, |i| &text[..i]).trim();
    sentence.trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_example_has_a_one_line_summary() {
        let summaries = super::summaries();
        assert_eq!(summaries.len(), super::EXAMPLES.len());
        for (s, (name, _)) in summaries.iter().zip(super::EXAMPLES) {
            assert!(!s.is_empty() && !s.contains('\n'), "{name}: {s:?}");
        }
        assert_eq!(super::first_sentence("One thing. Then another."), "One thing");
        assert_eq!(super::first_sentence("M/M/10: ten servers"), "M/M/10");
    }
}
