//! Building and running the application: database, first start, HTTP listener.

use std::net::SocketAddr;
use std::sync::Arc;

use salvo::conn::{Acceptor, Listener, TcpListener};
use salvo::Server;

use crate::config::Settings;
use crate::db;
use crate::error::{AppError, AppResult};
use crate::http;
use crate::service::bootstrap::{self, InitialAdmin};
use crate::service::notifier::SmsOutboxNotifier;
use crate::service::Services;

pub struct Application {
    local_addr: SocketAddr,
    acceptor: salvo::conn::tcp::TcpAcceptor,
    services: Services,
    settings: Arc<Settings>,
    initial_admin: Option<InitialAdmin>,
}

/// Connect, migrate (when configured) and wire the services.
pub async fn services(settings: &Settings) -> AppResult<Services> {
    let db = db::connect(&settings.database).await?;
    if settings.database.auto_migrate {
        db::migrate_up(&db).await?;
    }
    Ok(Services::new(
        db,
        Arc::new(SmsOutboxNotifier),
        settings.auth.clone(),
    ))
}

impl Application {
    /// Everything up to a bound listener; port 0 picks a free port (tests).
    pub async fn build(settings: Settings) -> AppResult<Self> {
        let services = services(&settings).await?;
        let initial_admin = bootstrap::ensure_first_admin(&services.db).await?;
        let acceptor = TcpListener::new(settings.server.addr)
            .try_bind()
            .await
            .map_err(|error| {
                AppError::Internal(format!(
                    "cannot listen on {}: {error}",
                    settings.server.addr
                ))
            })?;
        let local_addr = acceptor
            .holdings()
            .first()
            .and_then(|holding| holding.local_addr.clone().into_std())
            .ok_or_else(|| AppError::Internal("listener has no local address".into()))?;
        Ok(Self {
            local_addr,
            acceptor,
            services,
            settings: Arc::new(settings),
            initial_admin,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    pub fn port(&self) -> u16 {
        self.local_addr.port()
    }

    /// The first ministry admin's credentials, when this start created them.
    pub fn initial_admin(&self) -> Option<&InitialAdmin> {
        self.initial_admin.as_ref()
    }

    pub fn services(&self) -> &Services {
        &self.services
    }

    /// Serve until the process gets Ctrl-C or SIGTERM, then finish open requests.
    pub async fn run_until_stopped(self) {
        let state = http::state::AppState {
            services: self.services,
            settings: self.settings,
        };
        let server = Server::new(self.acceptor);
        let handle = server.handle();
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            handle.stop_graceful(None);
        });
        server.serve(http::service(state)).await;
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::warn!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
