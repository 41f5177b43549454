//! What the program draws, without a GUI: the colours, the charts of a run (their lines, units and
//! ticks), and the diagram as a picture. The window paints these with egui; the export writes them
//! as SVG and PNG, so both show the same thing.

pub mod charts;
pub mod diagram;
pub mod export;
pub mod palette;
