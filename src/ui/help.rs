//! Short explanations of edges and the scenario, shown in the inspector (each kind's own is
//! `Kind::help`).

/// Help for edges, shown when an edge is selected.
pub const EDGE_HELP: &str = "A solid arrow is a synchronous call: the caller waits for the answer, and a failure \
downstream is a failure upstream. A dashed arrow is an asynchronous message: the sender only waits for the \
acknowledgement. From a queue, the arrow points to its consumers; from a topic, to its subscribers. A red dashed \
arrow between two queues leads to the dead-letter queue.";

/// Help for the scenario settings, shown when nothing is selected.
pub const SCENARIO_HELP: &str = "The scenario sets how a run goes: its length, the seed of the random draws (same \
seed, same results), and a warm-up during which nothing is counted, so that start-up effects do not skew the figures.";
