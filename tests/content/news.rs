//! 就业资讯: publishing within scope, who reads what, the chat reply and the public pages.

use serde_json::json;

use crate::helpers::wechat::{event, text};
use crate::helpers::{each_backend, Backend, TestApp};

async fn publish(app: &TestApp, token: &str, body: serde_json::Value) -> serde_json::Value {
    app.post("/api/v1/news", token, body).await.expect(201)
}

#[tokio::test]
async fn news_reaches_the_publishers_subtree_only() {
    each_backend(|app| async move {
        let w = app.world().await;
        let national = publish(
            &app,
            &w.ministry,
            json!({ "title": "国家24365就业平台春季招聘", "link_url": "https://www.ncss.cn/spring",
                    "cover_url": "https://www.ncss.cn/cover.png" }),
        )
        .await;
        assert_eq!(national["page_url"], "https://www.ncss.cn/spring");
        let school = publish(
            &app,
            &w.school_a,
            json!({ "title": "校园双选会", "body": "时间：周六上午\n地点：体育馆\n\n请各位辅导员通知学生。" }),
        )
        .await;
        assert_eq!(school["summary"], "时间：周六上午 地点：体育馆 请各位辅导员通知学生。");
        assert!(school["page_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/news/{}", school["id"])));

        // A counselor of A reads both, newest first; B's counselor only the national one.
        let feed = app.get("/api/v1/news", &w.counselor_a1).await.expect(200);
        let titles: Vec<&str> = feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, vec!["校园双选会", "国家24365就业平台春季招聘"]);
        let b = app.get("/api/v1/news", &w.counselor_b1).await.expect(200);
        assert_eq!(b["total"], 1);
        app.get(&format!("/api/v1/news/{}", school["id"]), &w.counselor_b1)
            .await
            .expect_error(404, "not_found");
        app.get(&format!("/api/v1/news/{}", school["id"]), &w.counselor_a1)
            .await
            .expect(200);

        // Publishing is for admins, inside their scope.
        app.post("/api/v1/news", &w.counselor_a1, json!({ "title": "x", "body": "y" }))
            .await
            .expect_error(403, "forbidden");
        app.post(
            "/api/v1/news",
            &w.school_b,
            json!({ "title": "x", "body": "y", "unit_id": w.uni_a }),
        )
        .await
        .expect_error(404, "not_found");
        let before = app.count("news").await;
        let bad = app
            .post(
                "/api/v1/news",
                &w.school_a,
                json!({ "title": "x", "body": "y", "link_url": "https://a.cn" }),
            )
            .await;
        bad.expect_error(422, "invalid_input");
        assert_eq!(bad.body["field"], "body");
        assert_eq!(app.count("news").await, before);

        // Editing and withdrawing stay inside the publisher's subtree.
        let path = format!("/api/v1/news/{}", school["id"]);
        app.request(
            reqwest::Method::PUT,
            &path,
            Some(&w.school_b),
            Some(json!({ "title": "改", "body": "改" })),
        )
        .await
        .expect_error(404, "not_found");
        let edited = app
            .request(
                reqwest::Method::PUT,
                &path,
                Some(&w.school_a),
                Some(json!({ "title": "校园双选会（改期）", "body": "改到周日" })),
            )
            .await
            .expect(200);
        assert_eq!(edited["title"], "校园双选会（改期）");
        app.request(reqwest::Method::DELETE, &path, Some(&w.school_a), None)
            .await
            .expect(204);
        let feed = app.get("/api/v1/news", &w.counselor_a1).await.expect(200);
        assert_eq!(feed["total"], 1);
        let managed = app
            .get("/api/v1/news?managed=true", &w.school_a)
            .await
            .expect(200);
        assert_eq!(managed["items"][0]["withdrawn"], true);
        let actions = app
            .get("/api/v1/audit?target_type=news", &w.school_a)
            .await
            .expect(200);
        assert_eq!(actions["total"], 3, "{actions}");
    })
    .await;
}

#[tokio::test]
async fn the_chat_answers_with_the_newest_items_and_the_list() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    app.bind(&w.counselor_a1, "o_news").await;
    let empty = app.send("o_news", &text("资讯")).await;
    assert!(empty.content().contains("暂无"), "{}", empty.reply);
    publish(
        &app,
        &w.ministry,
        json!({ "title": "全国就业政策解读", "link_url": "https://www.ncss.cn/policy" }),
    )
    .await;
    let item = publish(
        &app,
        &w.school_a,
        json!({ "title": "校园双选会", "summary": "周六体育馆", "body": "详情",
                "cover_url": "https://a.edu.cn/c.png" }),
    )
    .await;

    // Replying to a message: one article, the newest, and where the rest are.
    let reply = app.send("o_news", &text("资讯")).await;
    assert_eq!(reply.field("MsgType").as_deref(), Some("news"));
    assert_eq!(reply.field("ArticleCount").as_deref(), Some("1"));
    assert_eq!(reply.reply.matches("<item>").count(), 1);
    assert!(reply.reply.contains("校园双选会"));
    assert!(reply.reply.contains("https://a.edu.cn/c.png"));
    let page = format!("{}/news/{}", app.settings.server.public_url, item["id"]);
    assert!(reply.reply.contains(&page), "{}", reply.reply);
    assert!(reply.reply.contains("/news?unit="));

    // The menu: several articles and the whole list last.
    let menu = app
        .send("o_news", &event("CLICK", Some("FUDAO_NEWS")))
        .await;
    assert_eq!(menu.field("ArticleCount").as_deref(), Some("3"));
    assert!(menu.reply.contains("全国就业政策解读"));
    assert!(menu.reply.contains("查看全部就业资讯"));

    // Someone not bound sees what the ministry publishes.
    let stranger = app.send("o_stranger_news", &text("资讯")).await;
    assert!(stranger.reply.contains("全国就业政策解读"));
    assert!(!stranger.reply.contains("校园双选会"));
}

async fn html_of(client: &reqwest::Client, url: String) -> String {
    client.get(url).send().await.unwrap().text().await.unwrap()
}

#[tokio::test]
async fn the_public_pages_show_written_items_and_send_links_on() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    let item = publish(
        &app,
        &w.school_a,
        json!({ "title": "双选会<通知>", "body": "第一段<script>alert(1)</script>\n第二段" }),
    )
    .await;
    let linked = publish(
        &app,
        &w.school_a,
        json!({ "title": "外链", "link_url": "https://mp.weixin.qq.com/s/abc" }),
    )
    .await;
    let client = fudao::infra::http_client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let html = html_of(&client, format!("{}/news/{}", app.base, item["id"])).await;
    assert!(html.contains("双选会&lt;通知&gt;"));
    assert!(html.contains("<p>第一段&lt;script&gt;"));
    assert!(html.contains("<p>第二段</p>"));
    assert!(!html.contains("<script>"));
    let redirect = client
        .get(format!("{}/news/{}", app.base, linked["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(redirect.status(), 302);
    assert_eq!(
        redirect.headers()["location"],
        "https://mp.weixin.qq.com/s/abc"
    );
    let list = html_of(&client, format!("{}/news?unit={}", app.base, w.college_a1)).await;
    assert!(list.contains("双选会&lt;通知&gt;"));
    assert!(list.contains("https://mp.weixin.qq.com/s/abc"));
    let other = html_of(&client, format!("{}/news?unit={}", app.base, w.college_b1)).await;
    assert!(other.contains("暂无资讯"));
    // A withdrawn item's page is gone.
    app.request(
        reqwest::Method::DELETE,
        &format!("/api/v1/news/{}", item["id"]),
        Some(&w.school_a),
        None,
    )
    .await
    .expect(204);
    let gone = client
        .get(format!("{}/news/{}", app.base, item["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
}

#[tokio::test]
async fn a_title_with_markup_is_shown_as_text_in_the_page_the_list_and_the_tab() {
    let app = TestApp::spawn(&Backend::Sqlite, |_| {}).await;
    let w = app.world().await;
    let item = publish(
        &app,
        &w.school_a,
        json!({
            "title": "<script>alert(\"x\")</script>",
            "summary": "<b>摘要</b>",
            "body": "正文",
        }),
    )
    .await;
    let client = fudao::infra::http_client::builder().build().unwrap();
    let page = html_of(&client, format!("{}/news/{}", app.base, item["id"])).await;
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</title>"));
    assert!(page.contains("<h1>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</h1>"));
    let list = html_of(&client, format!("{}/news?unit={}", app.base, w.college_a1)).await;
    assert!(!list.contains("<script>"), "{list}");
    assert!(!list.contains("<b>"), "{list}");
    assert!(list.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
}
