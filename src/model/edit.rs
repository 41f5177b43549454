//! Editing a diagram: every change is an [`Edit`] applied in one place, [`Document::apply`], which
//! is also where undo entries are made. The window only emits edits; it never changes the diagram
//! itself. Plain data, no GUI types: the rules here are tested without a window.

use super::validate::{is_synchronous_call, wiring_refusal};
use super::{Diagram, Edge, Kind, Node, NodeId, Scenario};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Undo steps kept at most.
pub const UNDO_LIMIT: usize = 200;

/// One change to a diagram.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Adds a node (its id must be new).
    AddNode(Node),
    /// Removes nodes with every edge touching them, and the edges listed by index.
    Remove {
        /// Nodes to remove.
        nodes: Vec<NodeId>,
        /// Edges to remove, by index in the diagram.
        edges: Vec<usize>,
    },
    /// Moves nodes by a delta in canvas points.
    Move {
        /// Nodes to move.
        nodes: Vec<NodeId>,
        /// How far.
        delta: (f32, f32),
    },
    /// Adds an edge; refused with the reason if the wiring is illegal.
    Connect(Edge),
    /// Replaces the node with the same id (parameter change, rename).
    ReplaceNode(Node),
    /// Replaces edge `index`.
    ReplaceEdge(usize, Edge),
    /// Replaces the scenario settings.
    SetScenario(Scenario),
    /// Adds copies of nodes and of the edges between them (ids are made unique, positions offset).
    Paste {
        /// The nodes copied.
        nodes: Vec<Node>,
        /// The edges among them.
        edges: Vec<Edge>,
        /// Offset for the copies, in canvas points.
        offset: (f32, f32),
    },
}

/// A diagram being edited: its file, whether it has unsaved changes, and its undo history.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The diagram as it stands.
    pub diagram: Diagram,
    /// The file it was loaded from or last saved to.
    pub path: Option<PathBuf>,
    revision: u64,
    saved_revision: u64,
    undo: Vec<(Diagram, u64)>,
    redo: Vec<(Diagram, u64)>,
    /// Edits carrying the same group (one drag) merge into one undo step.
    last_group: Option<u64>,
}

impl Document {
    /// A document for a diagram, unmodified.
    pub fn new(diagram: Diagram, path: Option<PathBuf>) -> Self {
        Self { diagram, path, ..Self::default() }
    }

    /// A document with unsaved changes to `path` (a restored recovery copy).
    pub fn unsaved(diagram: Diagram, path: Option<PathBuf>) -> Self {
        Self { diagram, path, revision: 1, ..Self::default() }
    }

    /// Whether the diagram changed since it was loaded or saved.
    pub fn is_modified(&self) -> bool {
        self.revision != self.saved_revision
    }

    /// Counts up with every change (and undo and redo); views use it to notice changes.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Records that the diagram is now saved at `path`.
    pub fn mark_saved(&mut self, path: PathBuf) {
        self.path = Some(path);
        self.saved_revision = self.revision;
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Applies an edit. Edits with the same `group` in a row (the frames of one drag) make one undo
    /// step. A refused edit changes nothing and says why.
    pub fn apply(&mut self, edit: Edit, group: Option<u64>) -> Result<(), String> {
        let mut next = self.diagram.clone();
        apply_to(&mut next, edit)?;
        if next == self.diagram {
            return Ok(());
        }
        let merge = group.is_some() && group == self.last_group && !self.undo.is_empty();
        if !merge {
            self.undo.push((std::mem::take(&mut self.diagram), self.revision));
            if self.undo.len() > UNDO_LIMIT {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.diagram = next;
        self.last_group = group;
        self.revision = self.next_revision();
        Ok(())
    }

    /// Undoes the last step; returns whether there was one.
    pub fn undo(&mut self) -> bool {
        let Some((previous, revision)) = self.undo.pop() else { return false };
        self.redo.push((std::mem::replace(&mut self.diagram, previous), self.revision));
        self.revision = revision;
        self.last_group = None;
        true
    }

    /// Redoes the last undone step; returns whether there was one.
    pub fn redo(&mut self) -> bool {
        let Some((next, revision)) = self.redo.pop() else { return false };
        self.undo.push((std::mem::replace(&mut self.diagram, next), self.revision));
        self.revision = revision;
        self.last_group = None;
        true
    }

    fn next_revision(&self) -> u64 {
        // Unique across undo branches, so "modified" is right after undo, new edit, and so on.
        let highest = self.undo.iter().chain(&self.redo).map(|(_, r)| *r).max().unwrap_or(0);
        highest.max(self.revision).max(self.saved_revision) + 1
    }
}

/// Why connecting `from` to `to` is refused, or `None` when it is allowed. A queue → queue edge
/// is allowed as a dead-letter edge when the first queue has none yet.
pub fn connect_refusal(diagram: &Diagram, from: &NodeId, to: &NodeId) -> Option<String> {
    let (Some(a), Some(b)) = (diagram.node(from), diagram.node(to)) else {
        return Some("both ends must be nodes of the diagram".to_owned());
    };
    if from == to {
        return Some("a node cannot connect to itself".to_owned());
    }
    if diagram.edges.iter().any(|e| &e.from == from && &e.to == to) {
        return Some(format!("'{}' already connects to '{}'", a.label(), b.label()));
    }
    let (fk, tk) = (a.kind.kind(), b.kind.kind());
    let dead_letter = fk == Kind::Queue && tk == Kind::Queue;
    if dead_letter && diagram.edges.iter().any(|e| e.dead_letter && &e.from == from) {
        return Some(format!("'{}' already has a dead-letter queue", a.label()));
    }
    if let Some(reason) = wiring_refusal(fk, tk, dead_letter) {
        return Some(reason);
    }
    if is_synchronous_call(fk, tk) && sync_path_exists(diagram, to, from) {
        return Some("this would make a cycle of synchronous calls: a request would wait for itself".to_owned());
    }
    None
}

/// Whether synchronous calls lead from `start` to `goal`.
fn sync_path_exists(diagram: &Diagram, start: &NodeId, goal: &NodeId) -> bool {
    let kind = |id: &NodeId| diagram.node(id).map(|n| n.kind.kind());
    let mut seen = BTreeSet::new();
    let mut stack = vec![start.clone()];
    while let Some(id) = stack.pop() {
        if &id == goal {
            return true;
        }
        if !seen.insert(id.clone()) {
            continue;
        }
        for e in diagram.edges.iter().filter(|e| e.from == id) {
            if let (Some(f), Some(t)) = (kind(&e.from), kind(&e.to))
                && is_synchronous_call(f, t)
            {
                stack.push(e.to.clone());
            }
        }
    }
    false
}

/// A new id for a node of `kind`, unused in `diagram`: `instance-1`, `instance-2`, …
pub fn fresh_id(diagram: &Diagram, base: &str) -> NodeId {
    let taken: BTreeSet<&str> = diagram.nodes.iter().map(|n| n.id.0.as_str()).collect();
    (1..=u32::MAX)
        .map(|i| format!("{base}-{i}"))
        .find(|id| !taken.contains(id.as_str()))
        .map_or_else(|| NodeId::new(base), NodeId)
}

/// A node of `kind` with default parameters at `pos`, with a fresh id and a readable name.
pub fn new_node(diagram: &Diagram, kind: Kind, pos: (f32, f32)) -> Node {
    let id = fresh_id(diagram, kind.name());
    let number = id.0.rsplit('-').next().unwrap_or("1").to_owned();
    let (name, kind) = kind.default_node();
    let name = if number == "1" { name.to_owned() } else { format!("{name} {number}") };
    Node { id, name, pos, kind }
}

fn apply_to(d: &mut Diagram, edit: Edit) -> Result<(), String> {
    match edit {
        Edit::AddNode(node) => {
            if d.node(&node.id).is_some() {
                return Err(format!("a node '{}' exists already", node.id));
            }
            d.nodes.push(node);
        }
        Edit::Remove { nodes, edges } => {
            let gone: BTreeSet<&NodeId> = nodes.iter().collect();
            let mut index = 0;
            d.edges.retain(|e| {
                let keep = !edges.contains(&index) && !gone.contains(&e.from) && !gone.contains(&e.to);
                index += 1;
                keep
            });
            d.nodes.retain(|n| !gone.contains(&n.id));
            // Faults on removed nodes have nothing left to act on.
            d.scenario.faults.retain(|f| f.nodes().iter().all(|n| !gone.contains(n)));
        }
        Edit::Move { nodes, delta } => {
            for n in d.nodes.iter_mut().filter(|n| nodes.contains(&n.id)) {
                n.pos = (n.pos.0 + delta.0, n.pos.1 + delta.1);
            }
        }
        Edit::Connect(mut edge) => {
            if let Some(reason) = connect_refusal(d, &edge.from, &edge.to) {
                return Err(reason);
            }
            let both_queues =
                [&edge.from, &edge.to].iter().all(|id| d.node(id).is_some_and(|n| n.kind.kind() == Kind::Queue));
            edge.dead_letter = both_queues;
            d.edges.push(edge);
        }
        Edit::ReplaceNode(node) => {
            let Some(slot) = d.nodes.iter_mut().find(|n| n.id == node.id) else {
                return Err(format!("there is no node '{}'", node.id));
            };
            *slot = node;
        }
        Edit::ReplaceEdge(index, edge) => {
            let Some(slot) = d.edges.get_mut(index) else { return Err(format!("there is no edge {}", index + 1)) };
            *slot = edge;
        }
        Edit::SetScenario(scenario) => d.scenario = scenario,
        Edit::Paste { nodes, edges, offset } => {
            let mut renamed: Vec<(NodeId, NodeId)> = Vec::new();
            for mut node in nodes {
                let base = node.id.0.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-').to_owned();
                let base = if base.is_empty() { node.kind.kind().name().to_owned() } else { base };
                let id = fresh_id(d, &base);
                renamed.push((node.id.clone(), id.clone()));
                node.id = id;
                node.pos = (node.pos.0 + offset.0, node.pos.1 + offset.1);
                d.nodes.push(node);
            }
            let new_id = |old: &NodeId| renamed.iter().find(|(o, _)| o == old).map(|(_, n)| n.clone());
            for mut edge in edges {
                if let (Some(from), Some(to)) = (new_id(&edge.from), new_id(&edge.to)) {
                    edge.from = from;
                    edge.to = to;
                    d.edges.push(edge);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        let mut d = Diagram::default();
        let c = new_node(&d, Kind::Client, (0.0, 0.0));
        d.nodes.push(c);
        let s = new_node(&d, Kind::Instance, (200.0, 0.0));
        d.nodes.push(s);
        Document::new(d, None)
    }

    fn id(s: &str) -> NodeId {
        NodeId::new(s)
    }

    #[test]
    fn edits_undo_and_redo() {
        let mut doc = doc();
        assert!(!doc.is_modified());
        doc.apply(Edit::Connect(Edge::new("client-1", "instance-1")), None).unwrap();
        assert!(doc.is_modified());
        assert_eq!(doc.diagram.edges.len(), 1);
        assert!(doc.undo());
        assert!(doc.diagram.edges.is_empty());
        assert!(!doc.is_modified(), "back at the saved state");
        assert!(doc.redo());
        assert_eq!(doc.diagram.edges.len(), 1);
        assert!(!doc.redo());
    }

    #[test]
    fn one_drag_is_one_undo_step() {
        let mut doc = doc();
        for _ in 0..10 {
            doc.apply(Edit::Move { nodes: vec![id("instance-1")], delta: (1.0, 2.0) }, Some(7)).unwrap();
        }
        assert_eq!(doc.diagram.nodes[1].pos, (210.0, 20.0));
        assert!(doc.undo());
        assert_eq!(doc.diagram.nodes[1].pos, (200.0, 0.0));
        assert!(!doc.can_undo());
    }

    #[test]
    fn illegal_connections_are_refused_with_the_reason_and_change_nothing() {
        let mut doc = doc();
        let err = doc.apply(Edit::Connect(Edge::new("instance-1", "client-1")), None).unwrap_err();
        assert!(err.contains("client"), "{err}");
        assert!(!doc.can_undo());
        doc.apply(Edit::Connect(Edge::new("client-1", "instance-1")), None).unwrap();
        let err = doc.apply(Edit::Connect(Edge::new("client-1", "instance-1")), None).unwrap_err();
        assert!(err.contains("already"), "{err}");
        let s2 = new_node(&doc.diagram, Kind::Instance, (0.0, 0.0));
        doc.apply(Edit::AddNode(s2), None).unwrap();
        doc.apply(Edit::Connect(Edge::new("instance-1", "instance-2")), None).unwrap();
        let err = doc.apply(Edit::Connect(Edge::new("instance-2", "instance-1")), None).unwrap_err();
        assert!(err.contains("cycle"), "{err}");
    }

    #[test]
    fn queue_to_queue_becomes_the_dead_letter_queue_once() {
        let mut doc = doc();
        for _ in 0..3 {
            let q = new_node(&doc.diagram, Kind::Queue, (0.0, 0.0));
            doc.apply(Edit::AddNode(q), None).unwrap();
        }
        doc.apply(Edit::Connect(Edge::new("queue-1", "queue-2")), None).unwrap();
        assert!(doc.diagram.edges[0].dead_letter);
        let err = doc.apply(Edit::Connect(Edge::new("queue-1", "queue-3")), None).unwrap_err();
        assert!(err.contains("dead-letter"), "{err}");
    }

    #[test]
    fn removing_a_node_removes_its_edges_and_faults() {
        let mut doc = doc();
        doc.apply(Edit::Connect(Edge::new("client-1", "instance-1")), None).unwrap();
        let mut s = doc.diagram.scenario.clone();
        s.faults.push(super::super::Fault::Crash {
            node: id("instance-1"),
            instance: None,
            task: None,
            at_secs: 1.0,
            for_secs: None,
        });
        doc.apply(Edit::SetScenario(s), None).unwrap();
        doc.apply(Edit::Remove { nodes: vec![id("instance-1")], edges: vec![] }, None).unwrap();
        assert_eq!(doc.diagram.nodes.len(), 1);
        assert!(doc.diagram.edges.is_empty());
        assert!(doc.diagram.scenario.faults.is_empty());
    }

    #[test]
    fn paste_makes_new_ids_and_keeps_inner_edges() {
        let mut doc = doc();
        doc.apply(Edit::Connect(Edge::new("client-1", "instance-1")), None).unwrap();
        let nodes = doc.diagram.nodes.clone();
        let edges = doc.diagram.edges.clone();
        doc.apply(Edit::Paste { nodes, edges, offset: (30.0, 30.0) }, None).unwrap();
        let ids: Vec<&str> = doc.diagram.nodes.iter().map(|n| n.id.0.as_str()).collect();
        assert_eq!(ids, ["client-1", "instance-1", "client-2", "instance-2"]);
        assert_eq!(doc.diagram.edges[1].from, id("client-2"));
        assert_eq!(doc.diagram.nodes[3].pos, (230.0, 30.0));
    }
}
