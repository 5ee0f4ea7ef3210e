//! Follow tracking, UnionID binding and the follow-and-bind status for admins.

use fudao::wechat::mock::{MockCode, MockUser};
use fudao::wechat::simulate::Mode;
use serde_json::json;

use crate::helpers::wechat::{event, text};
use crate::helpers::{each_backend, TestApp};

async fn eventually<F, Fut>(mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    for _ in 0..100 {
        if check().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}

#[tokio::test]
async fn subscribe_and_unsubscribe_keep_the_follower_record_true() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        app.mock.state.add_user(MockUser {
            openid: "o_f".into(),
            unionid: Some("u_f".into()),
            subscribed: true,
        });
        // Each event gets its own CreateTime: WeChat dedups events by sender + CreateTime.
        let t0 = chrono::Utc::now().timestamp() as u64 - 100;
        let welcome = app
            .send_at(
                Mode::Safe,
                "o_f",
                &event("subscribe", Some("qrscene_123")),
                t0,
            )
            .await;
        assert!(
            welcome.content().contains("欢迎关注"),
            "{}",
            welcome.content()
        );
        let follower = fudao::service::identity::followers::find(&services(&app), "o_f")
            .await
            .unwrap()
            .unwrap();
        assert!(follower.following);
        // user/info runs after the reply and stores the UnionID.
        assert!(
            eventually(|| async {
                fudao::service::identity::followers::find(&services(&app), "o_f")
                    .await
                    .unwrap()
                    .unwrap()
                    .unionid
                    .as_deref()
                    == Some("u_f")
            })
            .await,
            "unionid stored on {}",
            app.backend
        );

        app.bind(&w.counselor_a1, "o_f").await;
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["wechat"]["following"], true);
        let gone = app
            .send_at(Mode::Safe, "o_f", &event("unsubscribe", None), t0 + 1)
            .await;
        assert!(gone.is_success());
        let me = app.get("/api/v1/me", &w.counselor_a1).await.expect(200);
        assert_eq!(me["wechat"]["bound"], true);
        assert_eq!(me["wechat"]["following"], false);
        let back = app
            .send_at(Mode::Safe, "o_f", &event("subscribe", None), t0 + 2)
            .await;
        assert!(back.content().contains("欢迎回来"), "{}", back.content());
        let detail = app
            .get(
                &format!("/api/v1/accounts/{}", w.counselor_a1_id),
                &w.school_a,
            )
            .await
            .expect(200);
        assert_eq!(detail["wechat"]["following"], true);
    })
    .await;
}

fn services(app: &TestApp) -> fudao::service::Services {
    let mut auth = fudao::config::Settings::defaults().unwrap().auth;
    auth.session_cache_secs = 0;
    fudao::service::Services::new(
        app.db.clone(),
        std::sync::Arc::new(fudao::service::notifier::SmsOutboxNotifier {
            sent: vec![fudao::domain::outbox::SmsTemplate::AccountCreated],
        }),
        auth,
        std::sync::Arc::new(fudao::storage::LocalDir::new(&app.settings.storage.dir)),
    )
}

#[tokio::test]
async fn unionid_from_both_sides_binds_without_a_code() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        // The counselor logs in on the mini program: wx.login gives the same UnionID...
        app.mock.state.add_code(MockCode { code: "code-1".into(), openid: "mp_wang".into(), unionid: Some("union_wang".into()) });
        let login = app
            .request(reqwest::Method::POST, "/api/v1/auth/login", None, Some(json!({
                "username": "13900000005", "password": crate::helpers::world::PASSWORD, "code": "code-1" })))
            .await
            .expect(200);
        let token = login["token"].as_str().unwrap().to_string();
        let me = app.get("/api/v1/me", &token).await.expect(200);
        assert_eq!(me["wechat"]["mini_linked"], true);
        assert_eq!(me["wechat"]["bound"], false);
        // ...that user/info reports when they follow the official account.
        app.mock.state.add_user(MockUser { openid: "oa_wang".into(), unionid: Some("union_wang".into()), subscribed: true });
        app.send("oa_wang", &event("subscribe", None)).await;
        assert!(eventually(|| async {
            app.get("/api/v1/me", &token).await.body["wechat"]["bound"] == true
        }).await, "bound by unionid on {}", app.backend);
        let audit = app.get("/api/v1/audit?action=wechat.bind", &w.school_a).await.expect(200);
        assert_eq!(audit["items"][0]["detail"]["via"], "unionid");
        let help = app.send("oa_wang", &text("帮助")).await;
        assert!(help.content().contains("王晓明"));
    })
    .await;
}

#[tokio::test]
async fn admins_see_follow_and_bind_status_of_their_scope() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        for n in 0..3 {
            app.post("/api/v1/accounts", &w.school_a, json!({ "role": "counselor", "org_unit_id": w.college_a2, "name": format!("外院{n}"),
                "phone": format!("1360000200{n}"), "education_levels": ["bachelor"], "major_ids": [w.major_a2_bachelor] })).await.expect(201);
        }
        app.bind(&w.counselor_a1, "o_a1").await;
        app.send("o_a1", &event("subscribe", None)).await;
        app.bind(&w.counselor_b1, "o_b1").await;
        app.send("o_b1", &event("unsubscribe", None)).await;

        let school_a = app.get("/api/v1/wechat/follow-status", &w.school_a).await.expect(200);
        assert_eq!(school_a, json!({ "counselors": 4, "bound": 1, "following": 1, "not_bound": 3, "unfollowed": 0 }), "{}", app.backend);
        let a2 = app.get(&format!("/api/v1/wechat/follow-status?org_unit_id={}", w.college_a2), &w.school_a).await.expect(200);
        assert_eq!(a2["counselors"], 3);
        assert_eq!(a2["bound"], 0);
        let province = app.get("/api/v1/wechat/follow-status", &w.province).await.expect(200);
        assert_eq!(province, json!({ "counselors": 5, "bound": 2, "following": 1, "not_bound": 3, "unfollowed": 1 }));

        let not_bound = app.get("/api/v1/wechat/follow-status/counselors?state=not_bound", &w.school_a).await.expect(200);
        assert_eq!(not_bound["total"], 3);
        let first = &not_bound["items"][0];
        assert!(first["phone"].as_str().unwrap().contains("****"));
        assert_eq!(first["bound"], false);
        assert!(first["following"].is_null());
        let unfollowed = app.get("/api/v1/wechat/follow-status/counselors?state=unfollowed", &w.province).await.expect(200);
        assert_eq!(unfollowed["total"], 1);
        assert_eq!(unfollowed["items"][0]["name"], "李思雨");
        assert_eq!(unfollowed["items"][0]["following"], false);

        // Scope: school A cannot look at university B; counselors see nothing.
        app.get(&format!("/api/v1/wechat/follow-status?org_unit_id={}", w.uni_b), &w.school_a).await.expect_error(404, "not_found");
        app.get("/api/v1/wechat/follow-status", &w.counselor_a1).await.expect_error(403, "forbidden");
        app.get("/api/v1/wechat/follow-status/counselors?state=bogus", &w.school_a).await.expect_error(422, "invalid_input");
    })
    .await;
}

/// user/info that fails the first time, then knows the follower.
struct FlakyProfiles {
    calls: std::sync::atomic::AtomicU32,
}

#[async_trait::async_trait]
impl fudao::service::identity::profiles::FollowerProfiles for FlakyProfiles {
    async fn unionid(&self, _openid: &str) -> Result<Option<String>, String> {
        if self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 {
            Err("system busy".into())
        } else {
            Ok(Some("u_later".into()))
        }
    }
}

#[tokio::test]
async fn a_failed_profile_lookup_stays_queued_and_is_retried_after_its_backoff() {
    use fudao::outbox::Clock;
    use fudao::service::identity::profiles::{queue_lookup, ProfileLookups};
    // Without official-account credentials this process runs no lookup worker: the test drives
    // the queue alone.
    let no_worker = |s: &mut fudao::config::Settings| {
        s.wechat.app_secret = fudao::config::Secret::new("");
    };
    crate::helpers::each_backend_with(no_worker, |app: TestApp| async move {
        let clock = std::sync::Arc::new(fudao::outbox::ManualClock::starting_now());
        let services = services(&app).with_clock(clock.clone());
        fudao::service::identity::followers::record(&services, "o_late", true, clock.now())
            .await
            .unwrap();
        queue_lookup(&services, "o_late").await.unwrap();
        let profiles = std::sync::Arc::new(FlakyProfiles {
            calls: std::sync::atomic::AtomicU32::new(0),
        });
        let lookups = ProfileLookups::new(
            services.clone(),
            profiles,
            std::time::Duration::from_millis(10),
        );
        assert_eq!(lookups.round().await.unwrap(), 1, "{}", app.backend);
        assert_eq!(
            app.count("follower_lookups WHERE status = 'queued' AND attempts = 1")
                .await,
            1
        );
        // Not due again before its backoff...
        assert_eq!(lookups.round().await.unwrap(), 0);
        // ...and done once the clock passes it.
        clock.advance(chrono::TimeDelta::minutes(11));
        assert_eq!(lookups.round().await.unwrap(), 1);
        assert_eq!(app.count("follower_lookups WHERE status = 'done'").await, 1);
        let follower = fudao::service::identity::followers::find(&services, "o_late")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(follower.unionid.as_deref(), Some("u_later"));
    })
    .await;
}
