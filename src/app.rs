//! Building and running the application: database, first start, HTTP listener.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use salvo::conn::{Acceptor, Listener, TcpListener};
use salvo::Server;

use crate::bot::context::Links;
use crate::bot::Bot;
use crate::config::Settings;
use crate::db;
use crate::error::StartupError;
use crate::http;
use crate::outbox::worker::{supervise, Heartbeats, Worker};
use crate::push::PushWorker;
use crate::service::accounts::bootstrap::{self, InitialAdmin};
use crate::service::identity::binding::{BindGuard, BindLimits};
use crate::service::identity::mini_login::{ExchangeError, MiniLogin, MiniSession};
use crate::service::identity::profiles::{FollowerProfiles, ProfileLookups};
use crate::service::notifier::SmsOutboxNotifier;
use crate::service::Services;
use crate::sms::worker::SmsWorker;
use crate::wechat::client::{Credentials, Transport, WechatClient};
use crate::wechat::crypto::Crypto;
use crate::wechat::error::{WxError, WxErrorClass};
use crate::wechat::replay::NonceCache;
use http::wechat_callback::Gateway;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct Application {
    local_addr: SocketAddr,
    acceptor: salvo::conn::tcp::TcpAcceptor,
    services: Services,
    settings: Arc<Settings>,
    wechat: WechatClient,
    gateway: Arc<Gateway>,
    initial_admin: Option<InitialAdmin>,
    sms: Arc<dyn crate::sms::SmsProvider>,
}

/// The WeChat API client for the configured official account and mini program.
pub fn wechat_client(settings: &Settings) -> Result<WechatClient, StartupError> {
    let transport = Transport::new(
        &settings.wechat.api_base,
        Duration::from_millis(settings.wechat.api_timeout_ms),
    )
    .map_err(|e| StartupError::setting("wechat.api_base", e))?;
    Ok(WechatClient::new(
        transport,
        Credentials {
            app_id: settings.wechat.app_id.clone(),
            app_secret: settings.wechat.app_secret.clone(),
        },
        Credentials {
            app_id: settings.miniprogram.app_id.clone(),
            app_secret: settings.miniprogram.app_secret.clone(),
        },
    ))
}

/// Silent login's code exchange through the mini program's `jscode2session`.
pub struct WechatMiniLogin(pub WechatClient);

#[async_trait::async_trait]
impl MiniLogin for WechatMiniLogin {
    async fn exchange_code(&self, code: &str) -> Result<MiniSession, ExchangeError> {
        let session = self.0.code_to_session(code).await.map_err(exchange_error)?;
        Ok(MiniSession {
            openid: session.openid,
            unionid: session.unionid.filter(|unionid| !unionid.is_empty()),
        })
    }
}

/// What a failed `jscode2session` means for the caller.
fn exchange_error(error: WxError) -> ExchangeError {
    match (error.class(), error.errcode()) {
        // 40029: invalid code; 40163: code already used.
        (_, Some(40029 | 40163)) => ExchangeError::InvalidCode,
        (WxErrorClass::Config, _) => ExchangeError::Misconfigured(error.to_string()),
        _ => ExchangeError::Unavailable(error.to_string()),
    }
}

/// Signature and encryption keys for the callback; `None` when no token is configured.
pub fn callback_crypto(settings: &Settings) -> Result<Option<Crypto>, StartupError> {
    let wechat = &settings.wechat;
    if wechat.token.is_empty() {
        tracing::warn!("wechat.token is not set: the callback refuses every request");
        return Ok(None);
    }
    let key = Some(wechat.encoding_aes_key.expose()).filter(|k| !k.is_empty());
    Crypto::new(wechat.token.expose(), key, &wechat.app_id)
        .map(Some)
        .map_err(|e| StartupError::setting("wechat.encoding_aes_key", e))
}

/// Open the configured database; the error names it (without its password).
pub async fn database(settings: &Settings) -> Result<sea_orm::DatabaseConnection, StartupError> {
    db::connect(&settings.database)
        .await
        .map_err(|source| StartupError::Database {
            url: db::redacted_url(settings.database.database_url()),
            source: Box::new(source),
        })
}

/// Connect, migrate (when configured) and wire the services.
pub async fn services(settings: &Settings) -> Result<Services, StartupError> {
    let db = database(settings).await?;
    if settings.database.auto_migrate {
        db::migrate_up(&db)
            .await
            .map_err(|e| StartupError::Migrate(Box::new(e)))?;
    }
    let files = Arc::new(crate::storage::LocalDir::new(&settings.storage.dir));
    let mut services = Services::new(
        db,
        Arc::new(SmsOutboxNotifier {
            sent: settings.sms.templates_sent(),
        }),
        settings.auth.clone(),
        files,
    )
    .with_sheet_parses(crate::infra::sheet_file::ParseGate::new(
        settings.imports.max_parallel_parses,
        Duration::from_millis(settings.imports.parse_wait_ms),
    ));
    services.bind_guard = BindGuard::new(BindLimits {
        per_openid_per_hour: settings.wechat.bind_failures_per_openid_per_hour,
        per_hour: settings.wechat.bind_failures_per_hour,
        per_code: settings.wechat.bind_code_max_failures,
    });
    Ok(services)
}

impl Application {
    /// Everything up to a bound listener; port 0 picks a free port (tests).
    pub async fn build(settings: Settings) -> Result<Self, StartupError> {
        let services = services(&settings).await?;
        let initial_admin = bootstrap::ensure_first_admin(&services.db)
            .await
            .map_err(|e| StartupError::Bootstrap(Box::new(e)))?;
        let wechat = wechat_client(&settings)?;
        let official_configured = official_configured(&settings);
        if !official_configured {
            tracing::warn!("wechat.app_id / wechat.app_secret not set: no WeChat API calls (user info, pushes)");
        }
        let bot = Bot::new(
            services.clone(),
            official_configured.then(|| wechat.clone()),
            Links {
                mini_app_id: settings.miniprogram.app_id.clone(),
                tasks_path: settings.miniprogram.tasks_path.clone(),
                bind_path: settings.miniprogram.bind_path.clone(),
                task_path: settings.miniprogram.task_path.clone(),
                stats_path: settings.miniprogram.stats_path.clone(),
                reset_path: settings.miniprogram.reset_path.clone(),
                public_url: settings.server.public_url.clone(),
            },
            Duration::from_millis(settings.wechat.reply_deadline_ms),
            chrono::TimeDelta::minutes(i64::from(settings.tasks.sign_in_lead_minutes)),
        );
        let gateway = Arc::new(Gateway {
            crypto: callback_crypto(&settings)?,
            bot,
            timestamp_window_secs: settings.wechat.timestamp_window_secs,
            nonces: NonceCache::new(
                settings.wechat.timestamp_window_secs,
                settings.wechat.replay_cache_capacity,
            ),
        });
        let acceptor = TcpListener::new(settings.server.addr)
            .try_bind()
            .await
            .map_err(|source| StartupError::Listen {
                addr: settings.server.addr,
                source: Box::new(source),
            })?;
        let local_addr = acceptor
            .holdings()
            .first()
            .and_then(|holding| holding.local_addr.clone().into_std())
            .ok_or_else(|| {
                StartupError::setting("server.addr", "the listener has no local address")
            })?;
        let sms = crate::sms::provider(&settings.sms)
            .map_err(|cause| StartupError::setting("sms", cause))?;
        if settings.auth.lockout_minutes.is_some() {
            tracing::warn!(
                "auth.lockout_minutes is no longer used: wrong passwords now make further \
                 attempts wait (auth.login_delay_first_secs, auth.login_delay_max_secs) and lock \
                 at auth.account_failure_ceiling; remove the key"
            );
        }
        if let Some(warning) = crate::sms::delivery_warning(&settings.sms) {
            tracing::warn!("{warning}");
        }
        Ok(Self {
            local_addr,
            acceptor,
            services,
            settings: Arc::new(settings),
            wechat,
            gateway,
            initial_admin,
            sms,
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

    /// Serve until the process gets Ctrl-C or SIGTERM, then finish open requests and the
    /// workers' rounds in progress.
    pub async fn run_until_stopped(self) {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let workers = self.start_workers(&stopped);
        let state = http::state::AppState {
            services: self.services,
            settings: self.settings,
            mini_login: Arc::new(WechatMiniLogin(self.wechat)),
        };
        let server = Server::new(self.acceptor);
        let handle = server.handle();
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            handle.stop_graceful(None);
        });
        server.serve(http::service(state, self.gateway)).await;
        let _ = stop.send(true);
        for worker in workers {
            let _ = worker.await;
        }
    }

    /// The background workers this process runs, each supervised (restarted after a panic).
    fn start_workers(&self, stopped: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
        let beats = &self.services.heartbeats;
        let mut workers = Vec::new();
        if let Some(push) = self.push_worker() {
            let before = self.settings.tasks.auto_remind_hours_before;
            workers.push(supervised(push, beats, stopped));
            if before > 0 {
                let reminders = AutoReminders {
                    services: self.services.clone(),
                    window: crate::service::tasks::AutoRemindWindow {
                        before: chrono::TimeDelta::hours(i64::from(before)),
                        interval: chrono::TimeDelta::minutes(i64::from(
                            self.settings.tasks.remind_interval_minutes,
                        )),
                    },
                };
                workers.push(supervised(reminders, beats, stopped));
            }
        }
        if self.settings.sms.enabled {
            let sms = SmsWorker::new(&self.services, self.sms.clone(), self.settings.sms.clone());
            workers.push(supervised(sms, beats, stopped));
        }
        if official_configured(&self.settings) {
            let lookups = ProfileLookups::new(
                self.services.clone(),
                Arc::new(WechatProfiles(self.wechat.clone())),
                Duration::from_millis(self.settings.push.poll_interval_ms),
            );
            workers.push(supervised(lookups, beats, stopped));
        }
        workers
    }

    /// The push worker this process runs, unless `push.enabled` is off or the official account
    /// has no credentials (then notices stay queued until an instance that has them runs).
    fn push_worker(&self) -> Option<PushWorker> {
        if !self.settings.push.enabled {
            return None;
        }
        if !official_configured(&self.settings) {
            tracing::warn!("push worker not started: wechat.app_id / wechat.app_secret not set; notices stay queued");
            return None;
        }
        Some(PushWorker::new(
            &self.services,
            self.wechat.clone(),
            self.settings.clone(),
        ))
    }
}

fn official_configured(settings: &Settings) -> bool {
    !settings.wechat.app_id.is_empty() && !settings.wechat.app_secret.is_empty()
}

/// A worker restarted after a panic, one second later, until shutdown.
fn supervised<W: Worker>(
    worker: W,
    beats: &Heartbeats,
    stopped: &watch::Receiver<bool>,
) -> JoinHandle<()> {
    tokio::spawn(supervise(
        worker,
        beats.clone(),
        stopped.clone(),
        Duration::from_secs(1),
    ))
}

/// Once a minute, queue the reminders of tasks whose deadline comes within `before`.
#[derive(Clone)]
struct AutoReminders {
    services: Services,
    window: crate::service::tasks::AutoRemindWindow,
}

#[async_trait::async_trait]
impl Worker for AutoReminders {
    fn name(&self) -> &'static str {
        "auto_reminders"
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_secs(60)
    }

    async fn run_once(&self) -> crate::error::AppResult<bool> {
        let queued = crate::service::tasks::auto_remind(&self.services, self.window).await?;
        if queued > 0 {
            tracing::info!(queued, "automatic reminders queued");
        }
        Ok(false)
    }
}

/// Follower profiles from the official account's user/info.
struct WechatProfiles(WechatClient);

#[async_trait::async_trait]
impl FollowerProfiles for WechatProfiles {
    async fn unionid(&self, openid: &str) -> Result<Option<String>, String> {
        match self.0.user_info(openid).await {
            Ok(info) => Ok(info.unionid),
            Err(error) => Err(error.to_string()),
        }
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
