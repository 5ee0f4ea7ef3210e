//! Learning a follower's UnionID after a subscribe: a durable job in the outbox
//! (`outbox::lookups`), run by a worker, so a lookup is neither lost on shutdown nor made
//! before the subscribe is answered. With the UnionID comes the binding of an account that
//! logged in on the mini program with the same UnionID.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::TimeDelta;

use crate::db::entities::follower_lookups;
use crate::error::AppResult;
use crate::outbox::backoff::jittered;
use crate::outbox::lookups::{self, LookupEnd};
use crate::outbox::worker::Worker;
use crate::service::identity::{binding, followers};
use crate::service::Services;

/// Lookups claimed per round.
const BATCH: u64 = 20;
/// Tries before a lookup is given up (the follower's next subscribe queues a new one).
const MAX_ATTEMPTS: i32 = 5;
/// A lookup claimed by a process that then died is tried again after this.
const LEASE: TimeDelta = TimeDelta::seconds(60);

/// Where follower profiles come from (the official account's user/info). The service owns the
/// trait; the WeChat client implements it where the application is wired.
#[async_trait]
pub trait FollowerProfiles: Send + Sync {
    /// The follower's UnionID, when the official account is tied to an open platform.
    async fn unionid(&self, openid: &str) -> Result<Option<String>, String>;
}

/// Queue a profile lookup of a follower who just subscribed.
pub async fn queue_lookup(services: &Services, openid: &str) -> AppResult<()> {
    lookups::enqueue(&services.db, openid, services.clock.now()).await
}

/// The worker that runs the lookups.
#[derive(Clone)]
pub struct ProfileLookups {
    services: Services,
    profiles: Arc<dyn FollowerProfiles>,
    poll: Duration,
}

#[async_trait]
impl Worker for ProfileLookups {
    fn name(&self) -> &'static str {
        "follower_lookups"
    }

    fn poll_interval(&self) -> Duration {
        self.poll
    }

    async fn run_once(&self) -> AppResult<bool> {
        Ok(self.round().await? > 0)
    }
}

impl ProfileLookups {
    pub fn new(services: Services, profiles: Arc<dyn FollowerProfiles>, poll: Duration) -> Self {
        Self {
            services,
            profiles,
            poll,
        }
    }

    /// One round: returns how many lookups it claimed.
    pub async fn round(&self) -> AppResult<usize> {
        let db = &self.services.db;
        let claimed = lookups::claim(db, BATCH, LEASE, self.services.clock.now()).await?;
        for row in &claimed {
            let end = self.look_up(row).await?;
            lookups::finish(db, row, end, self.services.clock.now()).await?;
        }
        Ok(claimed.len())
    }

    async fn look_up(&self, row: &follower_lookups::Model) -> AppResult<LookupEnd> {
        let unionid = match self.profiles.unionid(&row.openid).await {
            Ok(unionid) => unionid,
            Err(error) if row.attempts >= MAX_ATTEMPTS => {
                tracing::warn!(%error, "user/info after subscribe failed; giving up");
                return Ok(LookupEnd::Failed(error));
            }
            Err(error) => {
                tracing::warn!(%error, "user/info after subscribe failed; will retry");
                let delay = jittered(
                    row.attempts.max(1) as u32,
                    TimeDelta::seconds(5),
                    TimeDelta::minutes(10),
                );
                return Ok(LookupEnd::Retry(self.services.clock.now() + delay, error));
            }
        };
        let Some(unionid) = unionid.filter(|u| !u.is_empty()) else {
            return Ok(LookupEnd::Done);
        };
        followers::set_unionid(&self.services, &row.openid, &unionid).await?;
        match binding::bind_by_unionid(&self.services, &unionid).await {
            Ok(Some(account_id)) => tracing::info!(account_id, "bound by unionid on follow"),
            Ok(None) => {}
            // The UnionID is stored; the binding waits for the next login or follow.
            Err(error) => {
                tracing::warn!(code = error.code(), cause = ?error, "unionid binding failed")
            }
        }
        Ok(LookupEnd::Done)
    }
}
