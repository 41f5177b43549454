//! What the engine asks of a node, whatever its kind.
//!
//! Each node's running state is a [`Behaviour`], one variant per kind. Every kind's state type
//! implements [`NodeBehaviour`] in that kind's own file (`client.rs`, `balancer.rs`, `instance.rs`,
//! `queue.rs`, `topic.rs`, `function.rs`): starting, a call arriving, its downstream answers, a
//! call cut short, taking queue messages (the queues a node reads are kept with every node, in
//! `NodeState::sources`), going down and up, a live retune, deletion, usage for
//! billing, the chart sample's gauges, the canvas badges and the report's figures. [`for_kind!`]
//! is the one `match` that turns "node i" into "that kind's implementation", statically (no
//! virtual call on the hot path); [`KindState`] is the one way to reach a kind's state from a node.
//!
//! The engine core — events, calls, requests, the random stream, the work ledger — calls kinds
//! only through here, and kinds reach each other only through the core (a queue asks a consumer
//! to [`NodeBehaviour::pull`], whatever kind the consumer is). So a new kind is a line of
//! `kinds!` (which declares [`Behaviour`] and each [`KindState`]), an arm of [`for_kind!`], and an
//! `impl NodeBehaviour` with what has no default — and the compiler names each place until all
//! are there.

use super::balancer::BalancerState;
#[allow(unused_imports)] // named in the documentation
use super::call::NO_INSTANCE;
use super::client::ClientState;
use super::containers::ContainersState;
use super::faults::Scope;
pub(crate) use super::figures::mean_ms;
use super::function::FunctionState;
use super::instance::InstanceState;
use super::queue::QueueState;
use super::slab::Key;
use super::topic::TopicState;
use super::{Engine, FailReason};
use super::{LiveNode, NodeFigures};
use crate::cost::NodeUsage;
use crate::model::{Node, NodeKind, PurchaseOption};

/// Calls [`NodeBehaviour`]'s `$method` of node `$node`'s kind: `for_kind!(engine, node,
/// arrive(engine, node, call))` is `<QueueState as NodeBehaviour>::arrive(engine, node, call)` for
/// a queue, and so on — the one match over kinds that the engine's questions go through.
macro_rules! for_kind {
    ($engine:expr, $node:expr, $method:ident($($arg:expr),* $(,)?)) => {
        match $engine.nodes[$node as usize].behaviour {
            $crate::sim::kinds::Behaviour::Client(_) => {
                <$crate::sim::client::ClientState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
            $crate::sim::kinds::Behaviour::Balancer(_) => {
                <$crate::sim::balancer::BalancerState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
            $crate::sim::kinds::Behaviour::Instance(_) => {
                <$crate::sim::instance::InstanceState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
            $crate::sim::kinds::Behaviour::Topic(_) => {
                <$crate::sim::topic::TopicState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
            $crate::sim::kinds::Behaviour::Queue(_) => {
                <$crate::sim::queue::QueueState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
            $crate::sim::kinds::Behaviour::Function(_) => {
                <$crate::sim::function::FunctionState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
            $crate::sim::kinds::Behaviour::Containers(_) => {
                <$crate::sim::containers::ContainersState as $crate::sim::kinds::NodeBehaviour>::$method($($arg),*)
            }
        }
    };
}
pub(crate) use for_kind;

/// A kind's state as found in a [`Behaviour`].
pub(crate) trait KindState: Sized {
    /// The state, if `behaviour` is of this kind.
    fn of(behaviour: &Behaviour) -> Option<&Self>;
    /// The same, to change.
    fn of_mut(behaviour: &mut Behaviour) -> Option<&mut Self>;
}

/// Declares [`Behaviour`] with one variant per kind and each kind's [`KindState`], from one list.
macro_rules! kinds {
    ($($variant:ident($state:ty)),* $(,)?) => {
        /// Per-kind state of a node. One per node and never moved in the hot path, so the size of
        /// the largest variant (a client's histograms) costs nothing worth boxing for.
        #[derive(Debug)]
        #[allow(clippy::large_enum_variant)]
        // A plain one-byte tag: every dispatch reads it (no niche in a field to decode).
        #[repr(u8)]
        pub(crate) enum Behaviour {
            $($variant($state)),*
        }

        impl Behaviour {
            /// The node's machines, if its kind has any (see [`NodeBehaviour::pool`]).
            #[inline]
            pub(crate) fn pool(&self) -> Option<&InstanceState> {
                match self {
                    $(Self::$variant(s) => s.pool(),)*
                }
            }

            /// The same, to change.
            #[inline]
            pub(crate) fn pool_mut(&mut self) -> Option<&mut InstanceState> {
                match self {
                    $(Self::$variant(s) => s.pool_mut(),)*
                }
            }

            /// The running state of `node` (see [`NodeBehaviour::new_state`]).
            pub(crate) fn new(engine: &mut Engine, node: &Node) -> Self {
                match &node.kind {
                    $(NodeKind::$variant(p) => Self::$variant(<$state as NodeBehaviour>::new_state(engine, node, p)),)*
                }
            }
        }

        $(
            impl KindState for $state {
                fn of(behaviour: &Behaviour) -> Option<&Self> {
                    if let Behaviour::$variant(s) = behaviour { Some(s) } else { None }
                }
                fn of_mut(behaviour: &mut Behaviour) -> Option<&mut Self> {
                    if let Behaviour::$variant(s) = behaviour { Some(s) } else { None }
                }
            }
        )*
    };
}

kinds! {
    Client(ClientState),
    Balancer(BalancerState),
    Instance(InstanceState),
    Topic(TopicState),
    Queue(QueueState),
    Function(FunctionState),
    Containers(ContainersState),
}

/// What a node shows in a chart sample: levels now, and areas from the start of the run (the
/// sample turns their growth into a utilisation over the interval).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Gauges {
    /// Work waiting now: backlog, visible messages, executions running.
    pub depth: f64,
    /// Busy workers (or executions) integrated from the start.
    pub busy_area: f64,
    /// Workers (or the concurrency limit) integrated from the start.
    pub capacity_area: f64,
    /// Machines serving.
    pub running: f64,
    /// Machines warming up.
    pub warming: f64,
    /// Machines wanted, and an Auto Scaling group's bounds.
    pub desired: f64,
    pub min: f64,
    pub max: f64,
    /// Age of the oldest visible message, in seconds.
    pub oldest_age_secs: f64,
}

/// What the engine asks of a node of one kind. Every function takes the engine and the node's
/// index, so that a kind can reach the core (schedule events, send calls, open work) while it
/// changes its own state; [`KindState`] finds that state.
///
/// What every kind must decide has no default: how it starts, takes a call, goes down and up, is
/// retuned and deleted, and what it costs. The functions with a default describe a node that is
/// one unit (no machines of its own), finishes a call when its downstream answers are in, reads no
/// queue, survives a zone outage and shows nothing beyond the counters every node keeps; a kind
/// that is more than that overrides them.
pub(crate) trait NodeBehaviour: KindState {
    /// The kind's parameters, as `NodeKind` holds them.
    type Params;

    /// The running state of a node added to the engine with `params` (not yet wired or
    /// started); it may tell the engine what the kind needs (a queue or topic turns following
    /// work on).
    fn new_state(engine: &mut Engine, node: &Node, params: &Self::Params) -> Self;

    /// Starts what the node does on its own: a client's first request, a balancer's health
    /// checks, an instance node's machines. Once, after the node is wired.
    fn start(engine: &mut Engine, node: u32);

    /// A call reaches the node (which is still in the diagram).
    fn arrive(engine: &mut Engine, node: u32, call: Key);

    /// Every downstream answer of `call`, which the node is handling, is in; `failure` is the
    /// first failure among them.
    fn downstream_done(engine: &mut Engine, _node: u32, call: Key, failure: Option<FailReason>) {
        engine.finish(call, failure);
    }

    /// `call`, which the node is handling, ends now for `reason`: the node (or its machine) went
    /// down or was deleted.
    fn abort(engine: &mut Engine, _node: u32, call: Key, reason: FailReason) {
        engine.finish(call, Some(reason));
    }

    /// A queue the node reads has visible messages: it takes what it has room for. (Only
    /// consumers are ever asked: `check` allows queue edges to nothing else.)
    fn pull(_engine: &mut Engine, _node: u32) {}

    /// The node (its machine `machine`, or all of it) goes down for `reason`.
    fn take_down(engine: &mut Engine, node: u32, machine: Option<u32>, reason: FailReason);

    /// The node (its machine `machine`, or all of it) comes back up.
    fn bring_up(engine: &mut Engine, node: u32, machine: Option<u32>);

    /// A scheduled crash of the node (its machine `machine`, or all of it) begins; by default the
    /// node goes down.
    fn crash(engine: &mut Engine, node: u32, machine: Option<u32>) {
        Self::take_down(engine, node, machine, FailReason::NodeDown);
    }

    /// That crash ends; by default the node comes back up.
    fn recover(engine: &mut Engine, node: u32, machine: Option<u32>) {
        Self::bring_up(engine, node, machine);
    }

    /// Whether the node is down now (an instance node: every machine).
    fn is_down(engine: &Engine, node: u32) -> bool {
        engine.nodes[node as usize].down_count > 0
    }

    /// The machines of the node that serve, fail and are balanced one by one (an instance node's
    /// machines not terminated), each with its launch number; `None` when the node is one unit.
    fn machines(_engine: &Engine, _node: u32) -> Option<Vec<(u32, u32)>> {
        None
    }

    /// Whether machine `machine` of the node (or the node itself, for
    /// [`NO_INSTANCE`](super::call::NO_INSTANCE)) is up.
    fn unit_up(engine: &Engine, node: u32, _machine: u32) -> bool {
        !Self::is_down(engine, node)
    }

    /// Whether an outage of `scope` covers the node (for an instance node: its machines in zone
    /// index `zone`, or any of its machines for `None`).
    fn in_outage(_engine: &Engine, _node: u32, _scope: &Scope, _zone: Option<u8>) -> bool {
        false
    }

    /// A timer the node's kind set ([`Event::KindTimer`](super::events::Event::KindTimer)) is due.
    fn timer(_engine: &mut Engine, _node: u32, _what: u16, _index: u16, _launch: u32) {}

    /// The node takes the parameters of `kind` (of its own kind) at the current time.
    fn retune(engine: &mut Engine, node: u32, kind: &NodeKind);

    /// The node is deleted from the diagram (its edges already are): its work fails as removed.
    fn remove(engine: &mut Engine, node: u32);

    /// What the node has used so far, for billing.
    fn usage(engine: &Engine, node: u32) -> NodeUsage;

    /// The usage so far had the node's machines been bought as `option` (the what-if), or `None`
    /// when its instance type has no such offering. A kind without machines bought by the hour
    /// uses what it uses.
    fn usage_as(engine: &Engine, node: u32, _option: &PurchaseOption) -> Option<NodeUsage> {
        Some(Self::usage(engine, node))
    }

    /// The on-demand value of the node's machines per clock hour so far: (dollars, the hour's
    /// length in hours), for savings plan recommendations. None for a kind without machines.
    fn hourly_on_demand(_engine: &Engine, _node: u32) -> Vec<(f64, f64)> {
        Vec::new()
    }

    /// The machines of the node (an instance node's, a container service's tasks), which the
    /// shared machine code of `instance.rs` drives; `None` for a kind without machines.
    #[inline]
    fn pool(&self) -> Option<&InstanceState> {
        None
    }

    /// The same, to change.
    #[inline]
    fn pool_mut(&mut self) -> Option<&mut InstanceState> {
        None
    }

    /// What the node shows in a chart sample now.
    fn gauges(_engine: &Engine, _node: u32) -> Gauges {
        Gauges::default()
    }

    /// What the node's badges show now; `utilization` is the last sample's.
    fn live(engine: &Engine, node: u32, _utilization: f64) -> LiveNode {
        LiveNode { down: Self::is_down(engine, node), ..LiveNode::default() }
    }

    /// The node's own figures for the report, beside the counters every node keeps.
    fn figures(_engine: &Engine, _node: u32, _figures: &mut NodeFigures) {}
}

impl Engine {
    /// The state of node `node`, which is of kind `S` (callers know it: the node was found by its
    /// kind, or an event of that kind names it).
    pub(crate) fn state<S: KindState>(&self, node: u32) -> &S {
        S::of(&self.nodes[node as usize].behaviour)
            .unwrap_or_else(|| unreachable!("node {node} is not a {}", std::any::type_name::<S>()))
    }

    /// The same, to change.
    pub(crate) fn state_mut<S: KindState>(&mut self, node: u32) -> &mut S {
        S::of_mut(&mut self.nodes[node as usize].behaviour)
            .unwrap_or_else(|| unreachable!("node {node} is not a {}", std::any::type_name::<S>()))
    }

    /// The state of node `node` if it is of kind `S`.
    pub(crate) fn state_if<S: KindState>(&self, node: u32) -> Option<&S> {
        S::of(&self.nodes[node as usize].behaviour)
    }
}
