//! Editing a running simulation. A new version of the diagram is applied at the current simulated
//! time: parameters take effect at once, deleted nodes and edges stop (work in flight at a deleted
//! node fails with the reason "removed", messages in a deleted queue are counted lost), added ones
//! start. Nothing already counted is forgotten: a deleted node stays in the engine, out of the
//! diagram, so its totals still add up.
//!
//! What only a fresh run can take — another seed, warm-up, sampling interval or fault script, a
//! queue changing type — is refused with the reason.

use super::kinds::for_kind;
use super::time::{ms_to_nanos, secs_to_nanos};
use super::{Behaviour, BuildError, Engine};
use crate::model::validate;
use crate::model::{Diagram, Edge, NodeKind};

/// How a new version of the diagram differs from the one running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveChange {
    /// Nothing the engine uses changed.
    None,
    /// Only parameters changed: they can apply at the current simulated time.
    Parameters,
    /// Nodes or edges were added or deleted: they can apply live, or the run can restart.
    Structure(StructureChange),
    /// Only a new run can take this change; the reason says why.
    NeedsReset(String),
}

/// Nodes and edges added and deleted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StructureChange {
    /// Ids of the nodes added.
    pub added_nodes: Vec<String>,
    /// Ids of the nodes deleted.
    pub removed_nodes: Vec<String>,
    /// Edges added.
    pub added_edges: usize,
    /// Edges deleted (those of deleted nodes included).
    pub removed_edges: usize,
}

impl StructureChange {
    /// "2 nodes added, 1 edge deleted", for a person.
    pub fn summary(&self) -> String {
        let plural = |n: usize, what: &str, how: &str| {
            (n > 0).then(|| format!("{n} {what}{} {how}", if n == 1 { "" } else { "s" }))
        };
        [
            plural(self.added_nodes.len(), "node", "added"),
            plural(self.removed_nodes.len(), "node", "deleted"),
            plural(self.added_edges, "edge", "added"),
            plural(self.removed_edges, "edge", "deleted"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// What identifies an edge across versions: its ends and whether it is a dead-letter edge.
fn edge_key(edge: &Edge) -> (&str, &str, bool) {
    (edge.from.0.as_str(), edge.to.0.as_str(), edge.dead_letter)
}

impl Engine {
    /// Index of the live node with `id` (deleted nodes are not found).
    pub fn node_index(&self, id: &str) -> Option<usize> {
        self.live_index(id).map(|i| i as usize)
    }

    /// Index of the live edge matching `edge` by its ends and kind.
    pub fn edge_index(&self, edge: &Edge) -> Option<usize> {
        let key = edge_key(edge);
        self.diagram.edges.iter().enumerate().position(|(i, e)| !self.removed_edges[i] && edge_key(e) == key)
    }

    /// Whether node `node` was deleted during the run.
    pub fn is_removed(&self, node: usize) -> bool {
        self.nodes.get(node).is_some_and(|n| n.removed)
    }

    /// Live edges unmatched by `new`, and edges of `new` unmatched by the live ones.
    fn edge_diff(&self, new: &Diagram) -> (Vec<usize>, Vec<usize>) {
        let mut unmatched_new: Vec<usize> = (0..new.edges.len()).collect();
        let mut removed = Vec::new();
        for (i, e) in self.diagram.edges.iter().enumerate() {
            if self.removed_edges[i] {
                continue;
            }
            if let Some(k) = unmatched_new.iter().position(|&j| edge_key(&new.edges[j]) == edge_key(e)) {
                unmatched_new.remove(k);
            } else {
                removed.push(i);
            }
        }
        (removed, unmatched_new)
    }

    /// How `new` differs from what is running.
    pub fn classify(&self, new: &Diagram) -> LiveChange {
        let (old_s, new_s) = (&self.diagram.scenario, &new.scenario);
        let reset = |what: &str| LiveChange::NeedsReset(format!("a new {what} only applies to a new run"));
        if old_s.seed != new_s.seed {
            return reset("seed");
        }
        if old_s.warmup_secs != new_s.warmup_secs {
            return reset("warm-up");
        }
        if old_s.sample_interval_secs != new_s.sample_interval_secs {
            return reset("sampling interval");
        }
        if old_s.faults != new_s.faults {
            return reset("fault script");
        }
        let mut change = StructureChange::default();
        let mut parameters = old_s.duration_secs != new_s.duration_secs || old_s.free_tier != new_s.free_tier;
        for node in &new.nodes {
            let Some(i) = self.live_index(&node.id.0) else {
                change.added_nodes.push(node.id.0.clone());
                continue;
            };
            let old = &self.diagram.nodes[i as usize].kind;
            if old.kind() != node.kind.kind() {
                return LiveChange::NeedsReset(format!("node {} changed kind", node.id));
            }
            if let (NodeKind::Instance(a), NodeKind::Instance(b)) = (old, &node.kind)
                && a.auto_scaling.is_some() != b.auto_scaling.is_some()
            {
                return LiveChange::NeedsReset(format!(
                    "instance node {} becomes or stops being an Auto Scaling group only in a new run",
                    node.id
                ));
            }
            if let (NodeKind::Queue(a), NodeKind::Queue(b)) = (old, &node.kind)
                && (a.queue_type != b.queue_type || a.message_groups != b.message_groups)
            {
                return LiveChange::NeedsReset(format!(
                    "queue {} cannot change its type or message groups while it holds messages",
                    node.id
                ));
            }
            parameters |= *old != node.kind;
        }
        for (i, node) in self.diagram.nodes.iter().enumerate() {
            if !self.nodes[i].removed && !new.nodes.iter().any(|n| n.id == node.id) {
                change.removed_nodes.push(node.id.0.clone());
            }
        }
        let (removed, added) = self.edge_diff(new);
        change.removed_edges = removed.len();
        change.added_edges = added.len();
        if change != StructureChange::default() {
            return LiveChange::Structure(change);
        }
        for edge in &new.edges {
            if let Some(e) = self.edge_index(edge) {
                let old = &self.diagram.edges[e];
                parameters |= old.latency_ms != edge.latency_ms || old.filter != edge.filter;
            }
        }
        if parameters { LiveChange::Parameters } else { LiveChange::None }
    }

    /// Applies `new` at the current simulated time (see the module notes). Refuses a diagram
    /// with problems, and a change only a new run can take; the run is then left as it was.
    pub fn apply_live(&mut self, new: &Diagram) -> Result<LiveChange, BuildError> {
        let problems = validate::check(new, &self.catalog);
        if !problems.is_empty() {
            return Err(BuildError::Invalid(problems));
        }
        let change = self.classify(new);
        // With no change, names and positions are still taken (reports and charts show them).
        if let LiveChange::NeedsReset(reason) = &change {
            return Err(BuildError::NeedsReset(reason.clone()));
        }
        let (removed_edges, added_edges) = self.edge_diff(new);
        for e in removed_edges {
            self.remove_edge(e);
        }
        let doomed: Vec<u32> = (0..self.nodes.len() as u32)
            .filter(|&i| !self.nodes[i as usize].removed)
            .filter(|&i| !new.nodes.iter().any(|n| n.id == self.diagram.nodes[i as usize].id))
            .collect();
        for i in doomed {
            self.remove_node(i);
        }
        self.intern_message_types(new);
        let mut started = Vec::new();
        for node in &new.nodes {
            match self.live_index(&node.id.0) {
                Some(i) => self.retune_node(i, node),
                None => started.push(self.add_node(node)),
            }
        }
        let mut fed_queues = Vec::new();
        for &j in &added_edges {
            let edge = &new.edges[j];
            self.add_edge(edge);
            if let Some(from) = self.live_index(&edge.from.0)
                && matches!(self.nodes[from as usize].behaviour, Behaviour::Queue(_))
            {
                fed_queues.push(from);
            }
        }
        for edge in &new.edges {
            if let Some(e) = self.edge_index(edge) {
                self.retune_edge(e, edge);
            }
        }
        for i in started {
            self.start_node(i);
        }
        for queue in fed_queues {
            self.dispatch_queue(queue);
        }
        self.set_duration(new.scenario.duration_secs);
        self.diagram.scenario.free_tier = new.scenario.free_tier;
        Ok(change)
    }

    /// Changes the end of the run; a later end restarts what had stopped at the old one.
    fn set_duration(&mut self, secs: f64) {
        let end = secs_to_nanos(secs).max(self.now);
        if end == self.end {
            return;
        }
        let later = end > self.end;
        self.end = end;
        self.diagram.scenario.duration_secs = end as f64 / 1e9;
        if later {
            for i in 0..self.nodes.len() as u32 {
                let node = &mut self.nodes[i as usize];
                if let (Behaviour::Client(c), false) = (&mut node.behaviour, node.removed) {
                    c.epoch = c.epoch.wrapping_add(1);
                    self.schedule_next_request(i);
                }
            }
            if !self.sampling {
                self.schedule_sample(self.now + self.metrics.interval_ns);
            }
        }
    }

    /// Takes the parameters of `node` for live node `i`.
    fn retune_node(&mut self, i: u32, node: &crate::model::Node) {
        let changed = self.diagram.nodes[i as usize].kind != node.kind;
        self.diagram.nodes[i as usize] = node.clone();
        if !changed {
            return;
        }
        for_kind!(self, i, retune(self, i, &node.kind));
    }

    /// Takes the latency and filter of `edge` for live edge `e`.
    fn retune_edge(&mut self, e: usize, edge: &Edge) {
        let filter: Vec<u16> = edge.filter.iter().map(|f| self.message_types[f.as_str()]).collect();
        for links in &mut self.links {
            for link in links.iter_mut().filter(|l| l.edge as usize == e) {
                link.latency_ns = ms_to_nanos(edge.latency_ms);
                link.filter.clone_from(&filter);
            }
        }
        self.diagram.edges[e] = edge.clone();
    }

    /// Unwires live edge `e`. Calls already on their way along it still arrive.
    fn remove_edge(&mut self, e: usize) {
        self.removed_edges[e] = true;
        let edge = self.diagram.edges[e].clone();
        let (Some(from), Some(to)) = (self.live_index(&edge.from.0), self.live_index(&edge.to.0)) else { return };
        if self.edge_of.get(&(from, to)) == Some(&(e as u32)) {
            self.edge_of.remove(&(from, to));
        }
        let e = e as u32;
        if edge.dead_letter {
            if let Behaviour::Queue(q) = &mut self.nodes[from as usize].behaviour
                && q.dead_letter == Some(to)
            {
                q.dead_letter = None;
            }
        } else if let Behaviour::Queue(q) = &mut self.nodes[from as usize].behaviour {
            q.consumers.retain(|&c| c != to);
            self.sources_of(to).queues.retain(|&q| q != from);
        } else {
            self.links[from as usize].retain(|l| l.edge != e);
            if let Behaviour::Balancer(b) = &mut self.nodes[from as usize].behaviour {
                b.relink(&self.links[from as usize]);
            }
        }
    }

    /// Deletes live node `i` (its edges are already gone): its work in flight fails as "removed",
    /// a queue's messages are lost, a client stops sending. It stays in the engine, renamed, so
    /// that its totals still count.
    fn remove_node(&mut self, i: u32) {
        let live_edges: Vec<usize> = (0..self.diagram.edges.len())
            .filter(|&e| !self.removed_edges[e])
            .filter(|&e| {
                let edge = &self.diagram.edges[e];
                let id = &self.diagram.nodes[i as usize].id;
                edge.from == *id || edge.to == *id
            })
            .collect();
        for e in live_edges {
            self.remove_edge(e);
        }
        for_kind!(self, i, remove(self, i));
        self.links[i as usize].clear();
        self.nodes[i as usize].removed = true;
        if self.live_ids.get(&self.diagram.nodes[i as usize].id.0) == Some(&i) {
            self.live_ids.remove(&self.diagram.nodes[i as usize].id.0);
        }
        let node = &mut self.diagram.nodes[i as usize];
        node.id.0 = format!("{} (deleted at {:.1} s)", node.id.0, self.now as f64 / 1e9);
    }
}
