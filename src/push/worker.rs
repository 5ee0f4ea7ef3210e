//! One worker round: reclaim expired leases, reserve quota, claim due jobs, send them with
//! bounded concurrency, and record every outcome. `outbox::worker` repeats rounds until
//! shutdown.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use futures_util::stream::{self, StreamExt};

use super::limiter::RateLimiter;
use super::message::{self, NotReady, Subject};
use crate::config::Settings;
use crate::db::entities::{push_jobs, tasks};
use crate::domain::push::{next_minute, JobKind, TaskChanges};
use crate::domain::task::TaskStatus;
use crate::error::AppResult;
use crate::outbox::backoff::jittered;
use crate::outbox::push::queue::{self, Attempt, Ending, JobError};
use crate::outbox::push::{context as batch, quota};
use crate::outbox::retry::retrying;
use crate::outbox::worker::Worker;
use crate::outbox::Outbox;
use crate::wechat::client::WechatClient;
use crate::wechat::error::{WxError, WxErrorClass};

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundReport {
    pub reclaimed: u64,
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub cancelled: usize,
    /// Today's quota is used up (by count or by WeChat's 45009).
    pub quota_exhausted: bool,
}

/// What became of one job.
#[derive(Debug, Clone)]
enum Outcome {
    Sent(Option<i64>),
    Retry {
        attempt: Attempt,
        refund: bool,
    },
    Finish {
        ending: Ending,
        error: JobError,
        refund: bool,
        unfollowed: bool,
    },
    QuotaExhausted,
    /// Not attempted: the round stopped (quota or shutdown).
    Released,
}

#[derive(Clone)]
pub struct PushWorker {
    outbox: Outbox,
    wechat: WechatClient,
    settings: Arc<Settings>,
    limiter: Arc<RateLimiter>,
}

/// What a batch's jobs refer to, loaded once per round.
struct BatchContext {
    tasks: HashMap<i32, (tasks::Model, String)>,
    openids: HashMap<i32, String>,
    done: HashSet<(i32, i32)>,
}

/// What the outcomes of a round add up to, besides the report.
#[derive(Default)]
struct Settlement {
    /// Reserved sends not used.
    refunds: u32,
    /// WeChat said today's quota is used up.
    paused: bool,
}

#[async_trait]
impl Worker for PushWorker {
    fn name(&self) -> &'static str {
        "push"
    }

    fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.settings.push.poll_interval_ms)
    }

    async fn run_once(&self) -> AppResult<bool> {
        let report = PushWorker::run_once(self).await?;
        Ok(report.claimed > 0 && !report.quota_exhausted)
    }
}

impl PushWorker {
    pub fn new(outbox: impl Into<Outbox>, wechat: WechatClient, settings: Arc<Settings>) -> Self {
        let limiter = Arc::new(RateLimiter::new(settings.push.per_second));
        Self {
            outbox: outbox.into(),
            wechat,
            settings,
            limiter,
        }
    }

    /// One round. Public so tests and tools can drive the queue step by step.
    pub async fn run_once(&self) -> AppResult<RoundReport> {
        let db = &self.outbox.db;
        let now = self.outbox.now();
        let mut report = RoundReport {
            reclaimed: retrying(|| queue::reclaim_expired(db, now)).await?,
            ..Default::default()
        };
        let Some((day, jobs)) = self.claim_within_quota(now, &mut report).await? else {
            return Ok(report);
        };
        let token = jobs
            .first()
            .and_then(|job| job.claim_token.clone())
            .unwrap_or_default();
        let context = self.context(&jobs).await?;
        let stop = AtomicBool::new(false);
        let context = &context;
        let stop = &stop;
        let mut results = stream::iter(jobs)
            .map(|job| self.deliver(job, context, stop))
            .buffer_unordered(self.settings.push.concurrency)
            .ready_chunks(256);
        let mut settlement = Settlement::default();
        while let Some(chunk) = results.next().await {
            self.record(&token, chunk, &mut report, &mut settlement)
                .await?;
        }
        if settlement.paused {
            retrying(|| quota::pause_day(db, &day, self.outbox.now())).await?;
            report.quota_exhausted = true;
            tracing::warn!(day = %day, "wechat reports the daily template quota used up; pushes pause until the next day");
        }
        retrying(|| quota::refund(db, &day, settlement.refunds)).await?;
        Ok(report)
    }

    /// Claim what today's quota allows, reserving it before sending; what another worker took
    /// meanwhile goes back to the queue untouched. `None` when there is nothing to send.
    async fn claim_within_quota(
        &self,
        now: DateTime<Utc>,
        report: &mut RoundReport,
    ) -> AppResult<Option<(String, Vec<push_jobs::Model>)>> {
        let push = &self.settings.push;
        let db = &self.outbox.db;
        let today = retrying(|| quota::day(db, now)).await?;
        let left = (i64::from(push.daily_quota) - i64::from(today.sent)).max(0) as u32;
        if today.paused || left == 0 {
            report.quota_exhausted = true;
            return Ok(None);
        }
        let lease = TimeDelta::seconds(i64::from(push.lease_secs));
        let mut jobs = retrying(|| queue::claim(db, push.batch_size.min(left), lease, now)).await?;
        report.claimed = jobs.len();
        if jobs.is_empty() {
            return Ok(None);
        }
        let granted = retrying(|| quota::reserve(db, now, jobs.len() as u32, push.daily_quota))
            .await? as usize;
        if granted < jobs.len() {
            let untouched = Self::untouched(now, None, "");
            for job in jobs.split_off(granted) {
                retrying(|| queue::requeue(db, &job, &untouched)).await?;
            }
            report.quota_exhausted = true;
            if jobs.is_empty() {
                return Ok(None);
            }
        }
        Ok(Some((today.day, jobs)))
    }

    /// Back to the queue at `at` without counting the try.
    fn untouched(at: DateTime<Utc>, code: Option<i64>, text: &str) -> Attempt {
        Attempt {
            at,
            counts: false,
            error: JobError {
                code,
                text: text.to_string(),
            },
        }
    }

    /// Store the outcomes of a chunk of sends.
    async fn record(
        &self,
        token: &str,
        chunk: Vec<(push_jobs::Model, Outcome)>,
        report: &mut RoundReport,
        settlement: &mut Settlement,
    ) -> AppResult<()> {
        let db = &self.outbox.db;
        let now = self.outbox.now();
        let mut sent = Vec::new();
        for (job, outcome) in chunk {
            match outcome {
                Outcome::Sent(msgid) => {
                    report.sent += 1;
                    sent.push((job.id, msgid));
                }
                Outcome::Retry { attempt, refund } => {
                    settlement.refunds += u32::from(refund);
                    if attempt.counts && job.attempts >= self.settings.push.max_attempts as i32 {
                        report.failed += 1;
                        retrying(|| queue::finish(db, &job, Ending::Failed, &attempt.error, now))
                            .await?;
                    } else {
                        report.retried += 1;
                        retrying(|| queue::requeue(db, &job, &attempt)).await?;
                    }
                }
                Outcome::Finish {
                    ending,
                    error,
                    refund,
                    unfollowed,
                } => {
                    settlement.refunds += u32::from(refund);
                    match ending {
                        Ending::Cancelled => report.cancelled += 1,
                        Ending::Failed => report.failed += 1,
                    }
                    retrying(|| queue::finish(db, &job, ending, &error, now)).await?;
                    if unfollowed {
                        batch::mark_unfollowed(db, &job.openid, now).await?;
                    }
                }
                Outcome::QuotaExhausted => {
                    settlement.refunds += 1;
                    settlement.paused = true;
                    let attempt = Self::untouched(now, Some(45009), "当日模板消息额度已用完");
                    retrying(|| queue::requeue(db, &job, &attempt)).await?;
                }
                Outcome::Released => {
                    settlement.refunds += 1;
                    let attempt = Self::untouched(now, None, "");
                    retrying(|| queue::requeue(db, &job, &attempt)).await?;
                }
            }
        }
        retrying(|| queue::mark_sent(db, token, &sent, now)).await
    }

    async fn context(&self, jobs: &[push_jobs::Model]) -> AppResult<BatchContext> {
        let db = &self.outbox.db;
        let task_ids: Vec<i32> = jobs
            .iter()
            .filter_map(|j| j.task_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let account_ids: Vec<i32> = jobs
            .iter()
            .map(|j| j.account_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let tasks = batch::tasks_of(db, task_ids.clone())
            .await?
            .into_iter()
            .map(|(task, publisher)| (task.id, (task, publisher)))
            .collect();
        let openids = batch::current_openids(db, account_ids.clone())
            .await?
            .into_iter()
            .collect();
        let reminded: Vec<i32> = jobs
            .iter()
            .filter(|j| matches!(j.kind, JobKind::Reminder | JobKind::Changed))
            .filter_map(|j| j.task_id)
            .collect();
        let done = batch::done_pairs(db, reminded, account_ids)
            .await?
            .into_iter()
            .collect();
        Ok(BatchContext {
            tasks,
            openids,
            done,
        })
    }

    fn cancel(text: &str) -> Outcome {
        Outcome::Finish {
            ending: Ending::Cancelled,
            error: JobError {
                code: None,
                text: text.to_string(),
            },
            refund: true,
            unfollowed: false,
        }
    }

    /// Not the job's fault: try again at `at` without counting the try.
    fn later(at: DateTime<Utc>, code: Option<i64>, text: String) -> Outcome {
        Outcome::Retry {
            attempt: Attempt {
                at,
                counts: false,
                error: JobError { code, text },
            },
            refund: true,
        }
    }

    async fn subject(
        &self,
        job: &push_jobs::Model,
        kind: JobKind,
        context: &BatchContext,
    ) -> Result<Subject, Outcome> {
        if context.openids.get(&job.account_id) != Some(&job.openid) {
            return Err(Self::cancel("收件人已解绑或账号已停用"));
        }
        let now = self.outbox.now();
        match (kind, job.task_id) {
            (JobKind::Summary, _) => {
                let (pending, nearest) =
                    match batch::pending_summary(&self.outbox.db, job.account_id, now).await {
                        Ok(summary) => summary,
                        Err(error) => {
                            let at = now + TimeDelta::seconds(30);
                            return Err(Self::later(at, None, error.to_string()));
                        }
                    };
                if pending == 0 {
                    return Err(Self::cancel("已没有待办任务"));
                }
                Ok(Subject::Summary {
                    pending,
                    nearest_deadline: nearest,
                })
            }
            (_, Some(task_id)) => {
                let Some((task, publisher)) = context.tasks.get(&task_id) else {
                    return Err(Self::cancel("任务已删除"));
                };
                // A withdrawal notice is about a withdrawn task; every other notice needs it live.
                let live = task.status == TaskStatus::Published;
                match kind {
                    JobKind::Withdrawn if task.status != TaskStatus::Withdrawn => {
                        return Err(Self::cancel("任务未撤回"));
                    }
                    JobKind::Withdrawn => {}
                    _ if !live => return Err(Self::cancel("任务已撤回")),
                    _ => {}
                }
                let done = context.done.contains(&(task_id, job.account_id));
                if done && matches!(kind, JobKind::Reminder | JobKind::Changed) {
                    return Err(Self::cancel("任务已完成，无需通知"));
                }
                let change = match kind {
                    JobKind::Changed => Some(
                        TaskChanges::from_stored(job.changes.as_deref().unwrap_or_default())
                            .describe()
                            .to_string(),
                    ),
                    JobKind::Withdrawn => Some("任务已撤回，无需再办理".to_string()),
                    _ => None,
                };
                Ok(Subject::Task {
                    task_id,
                    title: task.title.clone(),
                    kind: task.kind,
                    deadline: task.deadline,
                    starts_at: task.starts_at,
                    publisher: publisher.clone(),
                    confidential: task.confidential,
                    change,
                })
            }
            (_, None) => Err(Self::cancel("通知缺少任务")),
        }
    }

    async fn deliver(
        &self,
        job: push_jobs::Model,
        context: &BatchContext,
        stop: &AtomicBool,
    ) -> (push_jobs::Model, Outcome) {
        if stop.load(Ordering::Relaxed) {
            return (job, Outcome::Released);
        }
        let kind = job.kind;
        let subject = match self.subject(&job, kind, context).await {
            Ok(subject) => subject,
            Err(outcome) => return (job, outcome),
        };
        let built = message::build(
            job.id,
            kind,
            &job.openid,
            &subject,
            &self.settings.push.templates,
            &self.settings.miniprogram,
        );
        let template = match built {
            Ok(template) => template,
            Err(NotReady::NoTemplate(name)) => {
                tracing::warn!(
                    template = name,
                    "push.templates.{name}.template_id is not set; notices stay queued"
                );
                let at = self.outbox.now() + TimeDelta::minutes(5);
                return (job, Self::later(at, None, format!("未配置 {name} 模板")));
            }
        };
        self.limiter.acquire().await;
        if stop.load(Ordering::Relaxed) {
            return (job, Outcome::Released);
        }
        let outcome = match self.wechat.send_template(&template).await {
            Ok(msgid) => Outcome::Sent(i64::try_from(msgid).ok()),
            Err(error) => self.classify(&job, &error),
        };
        if matches!(outcome, Outcome::QuotaExhausted) {
            stop.store(true, Ordering::Relaxed);
        }
        (job, outcome)
    }

    fn retry_at(&self, attempts: i32) -> DateTime<Utc> {
        let push = &self.settings.push;
        self.outbox.now()
            + jittered(
                attempts.max(1) as u32,
                TimeDelta::milliseconds(push.retry_base_ms as i64),
                TimeDelta::seconds(push.retry_max_secs as i64),
            )
    }

    fn classify(&self, job: &push_jobs::Model, error: &WxError) -> Outcome {
        let code = error.errcode();
        let text = error.to_string();
        let answered = code.is_some();
        let finish = |text: &str, unfollowed: bool| Outcome::Finish {
            ending: Ending::Failed,
            error: JobError {
                code,
                text: text.to_string(),
            },
            refund: true,
            unfollowed,
        };
        match error.class() {
            WxErrorClass::Duplicate => Outcome::Sent(None),
            WxErrorClass::RefreshToken | WxErrorClass::Retry => Outcome::Retry {
                attempt: Attempt {
                    at: self.retry_at(job.attempts),
                    counts: true,
                    error: JobError { code, text },
                },
                // A timeout may have sent it: keep the quota spent.
                refund: answered,
            },
            WxErrorClass::MinuteQuota => Self::later(next_minute(self.outbox.now()), code, text),
            WxErrorClass::DailyQuota => Outcome::QuotaExhausted,
            WxErrorClass::NotFollowing => finish("用户未关注公众号", true),
            WxErrorClass::Blocked => finish("用户拒收消息", false),
            WxErrorClass::InvalidOpenId => finish("OpenID 无效，请重新绑定", false),
            WxErrorClass::Config => {
                tracing::error!(errcode = ?code, error = %text, "template send refused for a configuration reason; notices stay queued");
                Self::later(self.outbox.now() + TimeDelta::minutes(5), code, text)
            }
            WxErrorClass::GiveUp => finish(&text, false),
        }
    }
}
