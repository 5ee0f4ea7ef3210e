//! Shared state handed to every handler through the depot.

use std::sync::Arc;

use salvo::Depot;

use crate::config::Settings;
use crate::error::AppError;
use crate::service::identity::mini_login::MiniLogin;
use crate::service::Services;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub settings: Arc<Settings>,
    /// The `wx.login` code exchange behind silent login.
    pub mini_login: Arc<dyn MiniLogin>,
}

impl AppState {
    pub fn from_depot(depot: &Depot) -> Result<&AppState, AppError> {
        depot
            .get_typed::<AppState>()
            .map_err(|_| AppError::internal("application state missing from depot"))
    }
}
