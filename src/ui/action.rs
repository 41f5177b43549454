//! What the user can ask for and what is selected: the window's panels emit [`Action`]s, which
//! `SandboxApp::handle` carries out in one place, and read the [`Selection`]. A leaf module: the
//! panels import it without importing the app shell back.

use crate::model::edit::Edit;
use crate::model::{Kind, NodeId};
use crate::sim::clock::Speed;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Something the user asked for. Panels emit these; `SandboxApp::handle` carries them out.
// Actions live for one frame, a few at a time: boxing the large edit would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Change the diagram (one undo step per group).
    Edit(Edit, Option<u64>),
    /// Undo the last change.
    Undo,
    /// Redo the last undone change.
    Redo,
    /// Start a new, empty diagram.
    New,
    /// Ask for a file to open.
    Open,
    /// Open this file.
    OpenPath(PathBuf),
    /// Open a built-in example, by index in `ui::examples::EXAMPLES`.
    OpenExample(usize),
    /// Save to the current file (or ask where).
    Save,
    /// Ask where to save.
    SaveAs,
    /// Save to this file; `true`: ask before replacing another file that is there (a native save
    /// dialog has asked already).
    SaveTo(PathBuf, bool),
    /// A file dialog (or the path prompt) was closed without an answer.
    DialogCancelled,
    /// Add a node of this kind at a canvas point.
    AddNode(Kind, (f32, f32)),
    /// Select every node.
    SelectAll,
    /// Copy the selected nodes (and the edges between them).
    Copy,
    /// Paste what was copied.
    Paste,
    /// Copy and paste the selection in one go.
    Duplicate,
    /// Remove the selected nodes and edge.
    DeleteSelection,
    /// Select one node (alone, or added with `extend`).
    SelectNode(NodeId, bool),
    /// Fit the whole diagram in view.
    ZoomToFit,
    /// Close the window (asks about unsaved changes first).
    Quit,
    /// Start or pause the live run.
    PlayPause,
    /// Run exactly one event.
    StepEvent,
    /// Run one simulated second.
    StepSecond,
    /// Back to t = 0 with the same seed.
    ResetRun,
    /// Apply the diagram's structural change to the live run at the current simulated time.
    ApplyLive,
    /// Start the live run again from 0 s with the diagram as it is now, playing if it was.
    RestartRun,
    /// Keep the live run on the version it has, without the change it asked about.
    KeepRun,
    /// Open the Problems tab of the dock.
    ShowProblems,
    /// How fast the live run goes.
    SetSpeed(Speed),
    /// A new seed for the scenario; a run in progress starts again with it.
    SetSeed(u64),
    /// Apply the free tier to the bill, or not (at once, in a run in progress too).
    SetFreeTier(bool),
    /// Fail a node of the live run now, for a while or until recovered.
    FailNode(NodeId, Option<f64>),
    /// Bring a failed node of the live run back.
    RecoverNode(NodeId),
    /// Show or hide the report of the live run.
    ToggleReport,
    /// Ask for a folder and export the live run's series as CSV.
    ExportCsv,
    /// Export the live run's series as CSV into this folder.
    ExportCsvTo(PathBuf),
    /// Ask for a file and write the live run's report to it as Markdown.
    ExportReport,
    /// Write the live run's report to this file as Markdown.
    ExportReportTo(PathBuf),
    /// Ask for a file and write the diagram (with the live run's badges) as SVG or PNG.
    ExportImage,
    /// Write the diagram as a picture to this file (.svg or .png, by its extension).
    ExportImageTo(PathBuf),
    /// Ask for a folder and write each chart of the live run as PNG and SVG.
    ExportCharts,
    /// Write each chart of the live run into this folder.
    ExportChartsTo(PathBuf),
    /// Ask for a pricing catalog file.
    ChoosePricing,
    /// Price with this catalog file (`None`: the built-in one); the run restarts.
    LoadPricing(Option<PathBuf>),
    /// Open the Compare view with the open diagram as the first design.
    OpenCompare,
    /// Back from the Compare view to the editor (the comparison is kept until closed again).
    CloseCompare,
    /// Ask for the diagram file to compare with (`true`: for the first side, A).
    CompareBrowse(bool),
    /// Compare with this diagram file (`true`: as the first side, A).
    CompareWith(PathBuf, bool),
    /// Ask for the fault script file the comparison shares.
    CompareFaultsBrowse,
    /// Share this fault script file in the comparison.
    CompareFaults(PathBuf),
    /// Set a fault off now in the live run (the script is not changed).
    InjectFault(crate::model::Fault),
    /// Say something in the status line.
    Say(String),
}

/// The speeds offered in the toolbar.
pub const SPEEDS: [Speed; 9] = [
    Speed::Times(0.1),
    Speed::Times(0.5),
    Speed::Times(1.0),
    Speed::Times(2.0),
    Speed::Times(5.0),
    Speed::Times(10.0),
    Speed::Times(100.0),
    Speed::Times(1000.0),
    Speed::AsFastAsPossible,
];

/// How a speed is written in the toolbar ("max": as fast as the machine can).
pub fn speed_label(speed: Speed) -> String {
    match speed {
        Speed::Times(f) => format!("{f}×"),
        Speed::AsFastAsPossible => "max".to_owned(),
    }
}

/// What is selected on the canvas.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Selected nodes.
    pub nodes: BTreeSet<NodeId>,
    /// The selected edge, by index.
    pub edge: Option<usize>,
}

impl Selection {
    /// Nothing selected.
    pub fn clear(&mut self) {
        self.nodes.clear();
        self.edge = None;
    }
}
