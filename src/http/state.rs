//! Shared state handed to every handler through the depot.

use std::sync::Arc;

use salvo::Depot;

use crate::config::Settings;
use crate::error::AppError;
use crate::service::Services;
use crate::wechat::client::WechatClient;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub settings: Arc<Settings>,
    pub wechat: WechatClient,
}

impl AppState {
    pub fn from_depot(depot: &Depot) -> Result<&AppState, AppError> {
        depot
            .get_typed::<AppState>()
            .map_err(|_| AppError::internal("application state missing from depot"))
    }
}
