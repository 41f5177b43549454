//! Prices and billing: the catalog read from `assets/pricing.ron` and the published formulas that
//! turn simulated usage into dollars.

pub mod billing;
pub mod catalog;
pub mod whatif;

pub use billing::{Bill, BillOptions, ContainerUsage, InstanceLine, NodeUsage, TaskRun};
pub use catalog::{Catalog, CatalogError, InstanceFamily, InstanceType};
