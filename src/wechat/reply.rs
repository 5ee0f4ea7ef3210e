//! Passive replies (protocol §3), built element by element: every value goes through
//! `xml::cdata`, so echoed user text cannot close a CDATA section and inject markup.

use super::message::Incoming;
use super::xml;

/// The body that acknowledges a message without replying; WeChat neither retries nor shows
/// anything. (A 0-byte body works too.)
pub const SUCCESS: &str = "success";

/// News replies carry at most 8 articles…
const MAX_ARTICLES: usize = 8;
/// …and only 1 when answering something the user sent (since 2018-10-12).
const MAX_ARTICLES_FOR_USER_MESSAGE: usize = 1;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub title: String,
    pub description: String,
    pub pic_url: String,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// May contain newlines and `<a href>` links.
    Text(String),
    /// Must not be empty: WeChat rejects a news reply without articles, so answer `SUCCESS`
    /// instead of building one.
    News(Vec<Article>),
}

impl Reply {
    /// The reply to `incoming`: addressed back to its sender, from the account it was sent to,
    /// stamped `now` (seconds). Articles beyond what WeChat allows in this situation are
    /// dropped, keeping the first ones.
    pub fn to_xml(&self, incoming: &Incoming, now: u64) -> String {
        let mut out = String::with_capacity(512);
        out.push_str("<xml>");
        xml::cdata_element(&mut out, "ToUserName", &incoming.from_user);
        xml::cdata_element(&mut out, "FromUserName", &incoming.to_user);
        xml::number_element(&mut out, "CreateTime", now);
        match self {
            Reply::Text(content) => {
                xml::cdata_element(&mut out, "MsgType", "text");
                xml::cdata_element(&mut out, "Content", content);
            }
            Reply::News(articles) => {
                let limit = if incoming.kind.is_user_message() {
                    MAX_ARTICLES_FOR_USER_MESSAGE
                } else {
                    MAX_ARTICLES
                };
                let shown = &articles[..articles.len().min(limit)];
                xml::cdata_element(&mut out, "MsgType", "news");
                // At most 8: the cast cannot truncate.
                xml::number_element(&mut out, "ArticleCount", shown.len() as u64);
                out.push_str("<Articles>");
                for article in shown {
                    out.push_str("<item>");
                    xml::cdata_element(&mut out, "Title", &article.title);
                    xml::cdata_element(&mut out, "Description", &article.description);
                    xml::cdata_element(&mut out, "PicUrl", &article.pic_url);
                    xml::cdata_element(&mut out, "Url", &article.url);
                    out.push_str("</item>");
                }
                out.push_str("</Articles>");
            }
        }
        out.push_str("</xml>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::message::{Event, Kind};

    use crate::wechat::test_vectors::vectors;

    fn incoming(to_user: &str, from_user: &str, kind: Kind) -> Incoming {
        Incoming {
            to_user: to_user.into(),
            from_user: from_user.into(),
            create_time: 1,
            kind,
        }
    }

    fn text_message(content: &str) -> Kind {
        Kind::Text {
            content: content.into(),
            msg_id: 1,
        }
    }

    fn article(n: usize) -> Article {
        Article {
            title: format!("title {n}"),
            description: format!("description {n}"),
            pic_url: format!("https://example.com/{n}.png"),
            url: format!("https://example.com/{n}"),
        }
    }

    #[test]
    fn reply_vectors() {
        let doc = vectors("replies.json");
        let list = doc["vectors"].as_array().unwrap();
        assert_eq!(list.len(), 4);
        for v in list {
            let id = v["id"].as_str().unwrap();
            if let Some(raw) = v["raw_body"].as_str() {
                // Acknowledgements are not reply XML.
                assert!(xml::parse_fields(raw.as_bytes()).is_err(), "{id}");
                match id {
                    "ack-success" => assert_eq!(raw, SUCCESS),
                    "ack-empty" => assert_eq!(raw, ""),
                    other => panic!("unknown acknowledgement {other}"),
                }
                continue;
            }
            let official = xml::parse_fields(v["xml"].as_str().unwrap().as_bytes()).unwrap();
            assert_eq!(official.get("MsgType"), Some("text"), "{id}");
            // The reply goes back to the sender (the user) from the account.
            let message = incoming(
                official.get("FromUserName").unwrap(),
                official.get("ToUserName").unwrap(),
                text_message("hi"),
            );
            let reply = Reply::Text(official.get("Content").unwrap().to_owned());
            let ours = xml::parse_fields(reply.to_xml(&message, 1_700_000_000).as_bytes()).unwrap();

            assert_eq!(ours.len(), official.len(), "{id}");
            for (name, value) in official.iter() {
                let expected = if name == "CreateTime" {
                    "1700000000"
                } else {
                    value
                };
                assert_eq!(ours.get(name), Some(expected), "{id}: {name}");
            }
            for (name, value) in v["expected_fields"].as_object().unwrap() {
                if name != "CreateTime" {
                    assert_eq!(ours.get(name), value.as_str(), "{id}: {name}");
                }
            }
        }
    }

    #[test]
    fn text_reply_shape() {
        let message = incoming("gh_account", "o_user", text_message("x"));
        assert_eq!(
            Reply::Text("你好\n第二行".into()).to_xml(&message, 12_345_678),
            "<xml><ToUserName><![CDATA[o_user]]></ToUserName>\
             <FromUserName><![CDATA[gh_account]]></FromUserName>\
             <CreateTime>12345678</CreateTime><MsgType><![CDATA[text]]></MsgType>\
             <Content><![CDATA[你好\n第二行]]></Content></xml>"
        );
    }

    #[test]
    fn hostile_user_text_round_trips_unchanged() {
        let evil = "]]><xml><ToUserName>victim</ToUserName><MsgType>news</MsgType></xml><![CDATA[";
        let message = incoming("gh_account", "o_user]]>", text_message(evil));
        let body = Reply::Text(format!("你说：{evil}")).to_xml(&message, 1);
        let fields = xml::parse_fields(body.as_bytes()).unwrap();
        assert_eq!(
            fields.get("Content"),
            Some(format!("你说：{evil}").as_str())
        );
        assert_eq!(fields.get("ToUserName"), Some("o_user]]>"));
        assert_eq!(fields.get("MsgType"), Some("text"));
        assert_eq!(fields.len(), 5);
    }

    #[test]
    fn news_reply_shape() {
        let click = incoming(
            "gh_account",
            "o_user",
            Kind::Event(Event::Click { key: "k".into() }),
        );
        let body = Reply::News(vec![article(1), article(2)]).to_xml(&click, 5);
        assert_eq!(
            body,
            "<xml><ToUserName><![CDATA[o_user]]></ToUserName>\
             <FromUserName><![CDATA[gh_account]]></FromUserName><CreateTime>5</CreateTime>\
             <MsgType><![CDATA[news]]></MsgType><ArticleCount>2</ArticleCount><Articles>\
             <item><Title><![CDATA[title 1]]></Title><Description><![CDATA[description 1]]></Description>\
             <PicUrl><![CDATA[https://example.com/1.png]]></PicUrl><Url><![CDATA[https://example.com/1]]></Url></item>\
             <item><Title><![CDATA[title 2]]></Title><Description><![CDATA[description 2]]></Description>\
             <PicUrl><![CDATA[https://example.com/2.png]]></PicUrl><Url><![CDATA[https://example.com/2]]></Url></item>\
             </Articles></xml>"
        );
        let fields = xml::parse_fields(body.as_bytes()).unwrap();
        assert_eq!(fields.get("ArticleCount"), Some("2"));
        assert_eq!(fields.get("Articles.item.Title"), Some("title 1"));
    }

    #[test]
    fn news_is_capped_at_one_article_for_user_messages() {
        let user_messages = [
            text_message("x"),
            Kind::Image {
                pic_url: "p".into(),
                media_id: "m".into(),
                msg_id: 1,
            },
            Kind::Voice {
                media_id: "m".into(),
                format: "amr".into(),
                recognition: None,
                msg_id: 1,
            },
            Kind::Video {
                media_id: "m".into(),
                thumb_media_id: "t".into(),
                msg_id: 1,
            },
            Kind::ShortVideo {
                media_id: "m".into(),
                thumb_media_id: "t".into(),
                msg_id: 1,
            },
            Kind::Location {
                x: "1".into(),
                y: "2".into(),
                scale: "3".into(),
                label: "l".into(),
                msg_id: 1,
            },
            Kind::Link {
                title: "t".into(),
                description: "d".into(),
                url: "u".into(),
                msg_id: 1,
            },
            Kind::Other {
                msg_type: "miniprogrampage".into(),
                event: None,
            },
        ];
        let articles: Vec<Article> = (1..=3).map(article).collect();
        for kind in user_messages {
            let body = Reply::News(articles.clone()).to_xml(&incoming("gh", "o", kind.clone()), 1);
            assert_eq!(body.matches("<item>").count(), 1, "{kind:?}");
            let fields = xml::parse_fields(body.as_bytes()).unwrap();
            assert_eq!(fields.get("ArticleCount"), Some("1"), "{kind:?}");
            assert_eq!(
                fields.get("Articles.item.Title"),
                Some("title 1"),
                "{kind:?}"
            );
        }
    }

    #[test]
    fn news_is_capped_at_eight_articles_otherwise() {
        let events = [
            Kind::Event(Event::Subscribe {
                scene: None,
                ticket: None,
            }),
            Kind::Event(Event::Click { key: "k".into() }),
            Kind::Other {
                msg_type: "event".into(),
                event: Some("MASSSENDJOBFINISH".into()),
            },
        ];
        for kind in events {
            let message = incoming("gh", "o", kind.clone());
            for (given, shown) in [(1, 1), (3, 3), (8, 8), (10, 8)] {
                let articles: Vec<Article> = (1..=given).map(article).collect();
                let body = Reply::News(articles).to_xml(&message, 1);
                assert_eq!(body.matches("<item>").count(), shown, "{kind:?} {given}");
                let count = xml::parse_fields(body.as_bytes())
                    .unwrap()
                    .get("ArticleCount")
                    .map(str::to_owned);
                assert_eq!(count, Some(shown.to_string()), "{kind:?} {given}");
                assert!(body.contains("title 1"));
                assert!(!body.contains(&format!("title {}", shown + 1)));
            }
        }
    }

    #[test]
    fn hostile_article_fields_stay_inside_their_elements() {
        let click = incoming("gh", "o", Kind::Event(Event::Click { key: "k".into() }));
        let evil = Article {
            title: "]]></Title></item><item><Title>x".into(),
            description: "<![CDATA[".into(),
            pic_url: "]]>".into(),
            url: "https://x/?a=1&b=<2>".into(),
        };
        let body = Reply::News(vec![evil.clone()]).to_xml(&click, 1);
        let fields = xml::parse_fields(body.as_bytes()).unwrap();
        assert_eq!(fields.get("Articles.item.Title"), Some(evil.title.as_str()));
        assert_eq!(
            fields.get("Articles.item.Description"),
            Some(evil.description.as_str())
        );
        assert_eq!(
            fields.get("Articles.item.PicUrl"),
            Some(evil.pic_url.as_str())
        );
        assert_eq!(fields.get("Articles.item.Url"), Some(evil.url.as_str()));
    }
}
