//! The ferrostack gateway: one HTTP port in front of every emulated AWS service.
//!
//! A request arrives on the listener ([`server`]), is answered directly when it is an
//! admin call ([`admin`]), and is otherwise matched to one service and one wire protocol
//! ([`route`], using the signature in [`sigv4`] and the `Host` forms in [`vhost`]). The
//! [`gateway`] then hands it to the runtime's protocol pipeline and turns the answer back
//! into an HTTP response ([`body`]). Errors the gateway raises itself, before any service
//! is involved, are laid out by [`envelope`].
//!
//! The binary (`src/main.rs`) only reads the [`config`], sets up logging and runs the
//! server; everything else lives here so the integration tests can drive it in-process.

pub mod admin;
pub mod allocator;
pub mod body;
pub mod config;
pub mod connections;
pub mod envelope;
pub mod gateway;
pub mod logging;
pub mod route;
pub mod server;
pub mod services;
pub mod sigv4;
pub mod vhost;

pub use config::Config;
pub use gateway::{ExecuteApi, Gateway};
pub use services::Registry;

/// The version reported by the admin endpoints.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
