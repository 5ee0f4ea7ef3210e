//! Page numbers and sizes of every list: out of range or garbage is a 422 naming the field, the
//! largest allowed page answers (empty) on every database.

use crate::helpers::{each_backend, TestApp};

const LISTS: [&str; 8] = [
    "/api/v1/tasks",
    "/api/v1/accounts",
    "/api/v1/my/tasks",
    "/api/v1/news",
    "/api/v1/audit",
    "/api/v1/org/units",
    "/api/v1/wechat/follow-status/counselors",
    "/api/v1/tasks/1/progress/pending",
];

#[tokio::test]
async fn page_numbers_outside_the_bounds_are_refused_on_every_list() {
    each_backend(|app: TestApp| async move {
        let w = app.world().await;
        let token = w.ministry.clone();
        for list in LISTS {
            // Each list as someone allowed to read it: asking comes before the fields.
            let token = if list.starts_with("/api/v1/my/") {
                w.counselor_a1.as_str()
            } else {
                token.as_str()
            };
            for (query, field) in [
                ("page=18446744073709551615", "page"),
                ("page=9223372036854775808", "page"),
                ("page=10001", "page"),
                ("page=0", "page"),
                ("page=-1", "page"),
                ("page=abc", "page"),
                ("per_page=0", "per_page"),
                ("per_page=101", "per_page"),
                ("per_page=-3", "per_page"),
            ] {
                let reply = app.get(&format!("{list}?{query}"), token).await;
                reply.expect_error(422, "invalid_input");
                assert_eq!(
                    reply.body["field"], field,
                    "{list}?{query} on {}",
                    app.backend
                );
            }
        }
        // The largest page is a valid, empty page wherever the list is readable.
        for list in [
            "/api/v1/tasks",
            "/api/v1/accounts",
            "/api/v1/audit",
            "/api/v1/org/units",
        ] {
            let page = app
                .get(&format!("{list}?page=10000&per_page=100"), &token)
                .await
                .expect(200);
            assert_eq!(page["page"], 10000, "{list} on {}", app.backend);
            assert_eq!(page["items"].as_array().map(Vec::len), Some(0));
        }
    })
    .await;
}
