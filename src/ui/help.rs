//! Short explanations of each node kind and its options, shown in the inspector.

use crate::model::Kind;

/// What a node kind stands for, for someone learning cloud architecture.
pub fn kind_help(kind: Kind) -> &'static str {
    match kind {
        Kind::Client => {
            "The people (or programs) using your system. Each request they send either gets an answer, \
             fails, or is still waiting. Poisson arrivals model many independent users; a pattern shapes \
             the rate over the day. A timeout is how long a user waits before giving up; retries try \
             again after a growing pause (backoff), with jitter so that everyone does not retry at once."
        }
        Kind::Balancer => {
            "Spreads incoming requests over several targets so that no single server is overwhelmed, and \
             stops sending to a target once its health checks fail. It only notices a dead target after \
             a few failed checks in a row, so some requests still fail in between. Round robin takes turns; \
             least outstanding picks the target with the least work in progress; random picks at random."
        }
        Kind::Instance => {
            "Virtual servers (EC2) running your code. Each instance serves a few requests at once (its \
             workers) and lets the rest wait in a backlog. The instance type sets the hardware and the price: \
             general purpose for balanced work, compute optimized for heavy processing, memory optimized for \
             large data in memory, accelerated for GPU work, storage optimized for big fast disks. When an \
             instance runs several components of one application (a monolith), they fail together."
        }
        Kind::Topic => {
            "Publish/subscribe (SNS): a sender publishes a message once, and every subscriber gets its own \
             copy — like a newsletter. Subscriptions can filter by message type, so each subscriber only \
             gets what it asked for. The sender does not wait for the subscribers."
        }
        Kind::Queue => {
            "A buffer between parts of an application (SQS), like an order board between cashier and barista: \
             the sender drops a message and moves on; consumers take messages when they are free. A message \
             being processed is hidden for the visibility timeout and deleted when done; if the consumer fails, \
             it reappears and is tried again. After too many tries it goes to a dead-letter queue. FIFO queues \
             keep order, at the cost of processing one message per group at a time."
        }
        Kind::Function => {
            "Serverless code (Lambda): no servers to manage, you pay per request and per GB-second of running \
             time. Each concurrent run needs an execution environment; a new one takes extra time to start \
             (a cold start), idle ones are kept warm for a while. Beyond the concurrency limit, direct calls \
             are refused (throttled), while work from a queue simply waits."
        }
        Kind::Containers => crate::model::containers::HELP,
    }
}

/// Help for edges, shown when an edge is selected.
pub const EDGE_HELP: &str = "A solid arrow is a synchronous call: the caller waits for the answer, and a failure \
downstream is a failure upstream. A dashed arrow is an asynchronous message: the sender only waits for the \
acknowledgement. From a queue, the arrow points to its consumers; from a topic, to its subscribers. A red dashed \
arrow between two queues leads to the dead-letter queue.";

/// Help for the scenario settings, shown when nothing is selected.
pub const SCENARIO_HELP: &str = "The scenario sets how a run goes: its length, the seed of the random draws (same \
seed, same results), and a warm-up during which nothing is counted, so that start-up effects do not skew the figures.";
