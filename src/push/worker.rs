//! One worker round: reclaim expired leases, reserve quota, claim due jobs, send them with
//! bounded concurrency, and record every outcome. `run` repeats rounds until shutdown.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use futures_util::stream::{self, StreamExt};
use rand::Rng;
use tokio::sync::watch;

use super::limiter::RateLimiter;
use super::message::{self, NotReady, Subject};
use crate::config::Settings;
use crate::db::entities::{push_jobs, tasks};
use crate::domain::push::{backoff, next_minute, JobKind, JobStatus};
use crate::domain::task::TaskStatus;
use crate::error::AppResult;
use crate::service::push_store::retrying;
use crate::service::{
    identity::followers, push_queue, push_store, tasks as task_service, Services,
};
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
        at: DateTime<Utc>,
        counts: bool,
        refund: bool,
        code: Option<i64>,
        text: String,
    },
    Finish {
        status: JobStatus,
        code: Option<i64>,
        text: String,
        refund: bool,
        unfollowed: bool,
    },
    QuotaExhausted,
    /// Not attempted: the round stopped (quota or shutdown).
    Released,
}

#[derive(Clone)]
pub struct PushWorker {
    services: Services,
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

impl PushWorker {
    pub fn new(services: Services, wechat: WechatClient, settings: Arc<Settings>) -> Self {
        let limiter = Arc::new(RateLimiter::new(settings.push.per_second));
        Self {
            services,
            wechat,
            settings,
            limiter,
        }
    }

    /// Rounds until `shutdown` turns true; the round in progress finishes first, so every
    /// message sent is recorded.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let poll = Duration::from_millis(self.settings.push.poll_interval_ms.max(10));
        let auto_before = self.settings.tasks.auto_remind_hours_before;
        let mut last_auto = None::<tokio::time::Instant>;
        tracing::info!("push worker started");
        loop {
            if *shutdown.borrow() {
                break;
            }
            if auto_before > 0 && last_auto.is_none_or(|at| at.elapsed() >= Duration::from_secs(60))
            {
                last_auto = Some(tokio::time::Instant::now());
                match task_service::auto_remind(
                    &self.services,
                    TimeDelta::hours(i64::from(auto_before)),
                )
                .await
                {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(queued = n, "automatic reminders queued"),
                    Err(error) => {
                        tracing::warn!(code = error.code(), cause = ?error, "automatic reminders failed")
                    }
                }
            }
            let busy = match self.run_once().await {
                Ok(report) => report.claimed > 0 && !report.quota_exhausted,
                Err(error) => {
                    tracing::warn!(code = error.code(), cause = ?error, "push round failed");
                    false
                }
            };
            if !busy {
                tokio::select! {
                    _ = tokio::time::sleep(poll) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!("push worker stopped");
    }

    /// One round. Public so tests and tools can drive the queue step by step.
    pub async fn run_once(&self) -> AppResult<RoundReport> {
        let push = &self.settings.push;
        let db = &self.services.db;
        let now = Utc::now();
        let mut report = RoundReport {
            reclaimed: retrying(|| push_store::reclaim_expired(db, now)).await?,
            ..Default::default()
        };
        let today = retrying(|| push_store::day(db, now)).await?;
        let left = (i64::from(push.daily_quota) - i64::from(today.sent)).max(0) as u32;
        if today.paused || left == 0 {
            report.quota_exhausted = true;
            return Ok(report);
        }
        let day = today.day;
        let lease = TimeDelta::seconds(i64::from(push.lease_secs));
        let mut jobs =
            retrying(|| push_store::claim(db, push.batch_size.min(left), lease, now)).await?;
        report.claimed = jobs.len();
        if jobs.is_empty() {
            return Ok(report);
        }
        // Count the sends against today's quota before making them; what another worker took
        // meanwhile goes back to the queue untouched.
        let granted = retrying(|| push_store::reserve(db, now, jobs.len() as u32, push.daily_quota))
            .await? as usize;
        if granted < jobs.len() {
            for job in jobs.split_off(granted) {
                retrying(|| push_store::requeue(db, job.id, now, false, None, "")).await?;
            }
            report.quota_exhausted = true;
            if jobs.is_empty() {
                return Ok(report);
            }
        }
        let context = self.context(&jobs).await?;
        let stop = AtomicBool::new(false);
        let context = &context;
        let stop = &stop;
        let mut results = stream::iter(jobs)
            .map(|job| self.deliver(job, context, stop))
            .buffer_unordered(push.concurrency)
            .ready_chunks(256);
        let mut refunds = 0u32;
        let mut paused = false;
        while let Some(chunk) = results.next().await {
            let now = Utc::now();
            let mut sent = Vec::new();
            for (job, outcome) in chunk {
                match outcome {
                    Outcome::Sent(msgid) => {
                        report.sent += 1;
                        sent.push((job.id, msgid));
                    }
                    Outcome::Retry {
                        at,
                        counts,
                        refund,
                        code,
                        text,
                    } => {
                        refunds += u32::from(refund);
                        if counts && job.attempts >= push.max_attempts as i32 {
                            report.failed += 1;
                            retrying(|| {
                                push_store::finish(db, job.id, JobStatus::Failed, code, &text, now)
                            })
                            .await?;
                        } else {
                            report.retried += 1;
                            retrying(|| push_store::requeue(db, job.id, at, counts, code, &text))
                                .await?;
                        }
                    }
                    Outcome::Finish {
                        status,
                        code,
                        text,
                        refund,
                        unfollowed,
                    } => {
                        refunds += u32::from(refund);
                        if status == JobStatus::Cancelled {
                            report.cancelled += 1;
                        } else {
                            report.failed += 1;
                        }
                        retrying(|| push_store::finish(db, job.id, status, code, &text, now))
                            .await?;
                        if unfollowed {
                            followers::record(&self.services, &job.openid, false, now).await?;
                        }
                    }
                    Outcome::QuotaExhausted => {
                        refunds += 1;
                        paused = true;
                        retrying(|| {
                            push_store::requeue(
                                db,
                                job.id,
                                now,
                                false,
                                Some(45009),
                                "当日模板消息额度已用完",
                            )
                        })
                        .await?;
                    }
                    Outcome::Released => {
                        refunds += 1;
                        retrying(|| push_store::requeue(db, job.id, now, false, None, "")).await?;
                    }
                }
            }
            retrying(|| push_store::mark_sent(db, &sent, now)).await?;
        }
        if paused {
            retrying(|| push_store::pause_day(db, &day, Utc::now())).await?;
            report.quota_exhausted = true;
            tracing::warn!(day = %day, "wechat reports the daily template quota used up; pushes pause until the next day");
        }
        retrying(|| push_store::refund(db, &day, refunds)).await?;
        Ok(report)
    }

    async fn context(&self, jobs: &[push_jobs::Model]) -> AppResult<BatchContext> {
        let db = &self.services.db;
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
        let tasks = push_store::tasks_of(db, task_ids.clone())
            .await?
            .into_iter()
            .map(|(task, publisher)| (task.id, (task, publisher)))
            .collect();
        let openids = push_store::current_openids(db, account_ids.clone())
            .await?
            .into_iter()
            .collect();
        let reminded: Vec<i32> = jobs
            .iter()
            .filter(|j| j.kind == JobKind::Reminder.as_str())
            .filter_map(|j| j.task_id)
            .collect();
        let done = push_store::done_pairs(db, reminded, account_ids)
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
            status: JobStatus::Cancelled,
            code: None,
            text: text.to_string(),
            refund: true,
            unfollowed: false,
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
        match (kind, job.task_id) {
            (JobKind::Summary, _) => {
                let (pending, nearest) = match push_queue::pending_summary(
                    &self.services.db,
                    job.account_id,
                    Utc::now(),
                )
                .await
                {
                    Ok(summary) => summary,
                    Err(error) => {
                        return Err(Outcome::Retry {
                            at: Utc::now() + TimeDelta::seconds(30),
                            counts: false,
                            refund: true,
                            code: None,
                            text: error.to_string(),
                        })
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
                if task.status != TaskStatus::Published {
                    return Err(Self::cancel("任务已撤回"));
                }
                if kind == JobKind::Reminder && context.done.contains(&(task_id, job.account_id)) {
                    return Err(Self::cancel("任务已完成，无需催办"));
                }
                Ok(Subject::Task {
                    task_id,
                    title: task.title.clone(),
                    kind: task.kind,
                    deadline: task.deadline,
                    starts_at: task.starts_at,
                    publisher: publisher.clone(),
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
        let Some(kind) = JobKind::from_db(&job.kind) else {
            return (job, Self::cancel("未知的通知类型"));
        };
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
                return (
                    job,
                    Outcome::Retry {
                        at: Utc::now() + TimeDelta::minutes(5),
                        counts: false,
                        refund: true,
                        code: None,
                        text: format!("未配置 {name} 模板"),
                    },
                );
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
        let jitter = rand::thread_rng().gen_range(0.5..=1.0);
        Utc::now()
            + backoff(
                attempts.max(1) as u32,
                TimeDelta::milliseconds(push.retry_base_ms as i64),
                TimeDelta::seconds(push.retry_max_secs as i64),
                jitter,
            )
    }

    fn classify(&self, job: &push_jobs::Model, error: &WxError) -> Outcome {
        let code = error.errcode();
        let text = error.to_string();
        let answered = code.is_some();
        let finish = |text: &str, unfollowed: bool| Outcome::Finish {
            status: JobStatus::Failed,
            code,
            text: text.to_string(),
            refund: true,
            unfollowed,
        };
        match error.class() {
            WxErrorClass::Duplicate => Outcome::Sent(None),
            WxErrorClass::RefreshToken | WxErrorClass::Retry => Outcome::Retry {
                at: self.retry_at(job.attempts),
                counts: true,
                // A timeout may have sent it: keep the quota spent.
                refund: answered,
                code,
                text,
            },
            WxErrorClass::MinuteQuota => Outcome::Retry {
                at: next_minute(Utc::now()),
                counts: false,
                refund: true,
                code,
                text,
            },
            WxErrorClass::DailyQuota => Outcome::QuotaExhausted,
            WxErrorClass::NotFollowing => finish("用户未关注公众号", true),
            WxErrorClass::Blocked => finish("用户拒收消息", false),
            WxErrorClass::InvalidOpenId => finish("OpenID 无效，请重新绑定", false),
            WxErrorClass::Config => {
                tracing::error!(errcode = ?code, error = %text, "template send refused for a configuration reason; notices stay queued");
                Outcome::Retry {
                    at: Utc::now() + TimeDelta::minutes(5),
                    counts: false,
                    refund: true,
                    code,
                    text,
                }
            }
            WxErrorClass::GiveUp => finish(&text, false),
        }
    }
}
