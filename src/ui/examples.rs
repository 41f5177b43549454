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
    ("theory/mm10.ron", include_str!("../../saves/theory/mm10.ron")),
    ("theory/erlang-b.ron", include_str!("../../saves/theory/erlang-b.ron")),
];
