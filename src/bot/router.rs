//! Ordered rules: the first whose matcher accepts the message handles it. Interceptors run once
//! before the handler (e.g. loading the sender's bound account).

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use regex::Regex;

use super::context::BotCtx;
use crate::error::AppResult;
use crate::wechat::message::{Incoming, Kind};
use crate::wechat::reply::Reply;

pub type HandlerFuture = Pin<Box<dyn Future<Output = AppResult<Option<Reply>>> + Send>>;
pub type HandlerFn = fn(Arc<BotCtx>) -> HandlerFuture;

pub enum Matcher {
    /// A message type as WeChat sends it (`text`, `image`, `event`...).
    MsgType(&'static str),
    /// An event by name, as WeChat sends it (`subscribe`, `CLICK`, `TEMPLATESENDJOBFINISH`...).
    Event(&'static str),
    /// An event with this key: the menu key of a CLICK, the scene of a SCAN, ...
    EventKey {
        event: &'static str,
        key: &'static str,
    },
    /// A text message whose trimmed content matches.
    Keyword(Regex),
    /// Any message a user typed or sent (text, image, voice, video, location, link).
    UserMessage,
    /// Anything at all.
    Any,
    /// Nothing (what an invalid keyword pattern becomes; the rules table test catches it).
    Never,
}

impl Matcher {
    /// A case-insensitive keyword rule on the whole trimmed text.
    pub fn keyword(pattern: &str) -> Self {
        match Regex::new(&format!("(?i)^(?:{pattern})$")) {
            Ok(regex) => Matcher::Keyword(regex),
            Err(error) => {
                tracing::error!(%error, pattern, "invalid keyword pattern");
                Matcher::Never
            }
        }
    }

    pub fn matches(&self, incoming: &Incoming) -> bool {
        match self {
            Matcher::MsgType(msg_type) => incoming.msg_type() == *msg_type,
            Matcher::Event(name) => incoming.event_name() == Some(*name),
            Matcher::EventKey { event, key } => {
                incoming.event_name() == Some(*event) && incoming.event_key() == Some(*key)
            }
            Matcher::Keyword(regex) => match &incoming.kind {
                Kind::Text { content, .. } => regex.is_match(content.trim()),
                _ => false,
            },
            Matcher::UserMessage => matches!(
                incoming.kind,
                Kind::Text { .. }
                    | Kind::Image { .. }
                    | Kind::Voice { .. }
                    | Kind::Video { .. }
                    | Kind::ShortVideo { .. }
                    | Kind::Location { .. }
                    | Kind::Link { .. }
            ),
            Matcher::Any => true,
            Matcher::Never => false,
        }
    }
}

pub struct Rule {
    pub name: &'static str,
    pub matcher: Matcher,
    pub handler: HandlerFn,
    /// The line this command adds to the help text, if it is a command users type.
    pub help: Option<&'static str>,
}

#[async_trait]
pub trait Interceptor: Send + Sync {
    async fn before(&self, ctx: &mut BotCtx) -> AppResult<()>;
}

#[derive(Default)]
pub struct Router {
    rules: Vec<Rule>,
    interceptors: Vec<Box<dyn Interceptor>>,
}

impl Router {
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    pub fn intercept_with(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors.push(Box::new(interceptor));
        self
    }

    pub fn route(&self, incoming: &Incoming) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|rule| rule.matcher.matches(incoming))
    }

    pub async fn intercept(&self, ctx: &mut BotCtx) -> AppResult<()> {
        for interceptor in &self.interceptors {
            interceptor.before(ctx).await?;
        }
        Ok(())
    }

    pub fn help_lines(&self) -> Vec<&'static str> {
        self.rules.iter().filter_map(|rule| rule.help).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> Incoming {
        let xml = format!("<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName><CreateTime>1</CreateTime>{body}</xml>");
        Incoming::parse(xml.as_bytes()).expect("parses")
    }

    #[test]
    fn each_matcher_matches_what_it_names() {
        let image =
            parse("<MsgType>image</MsgType><PicUrl>p</PicUrl><MediaId>m</MediaId><MsgId>1</MsgId>");
        let scan = parse("<MsgType>event</MsgType><Event>SCAN</Event><EventKey>s1</EventKey>");
        let text = parse("<MsgType>text</MsgType><Content>绑定 1</Content><MsgId>1</MsgId>");
        assert!(Matcher::MsgType("image").matches(&image));
        assert!(!Matcher::MsgType("text").matches(&image));
        assert!(Matcher::Event("SCAN").matches(&scan));
        assert!(Matcher::EventKey {
            event: "SCAN",
            key: "s1"
        }
        .matches(&scan));
        assert!(!Matcher::EventKey {
            event: "SCAN",
            key: "s2"
        }
        .matches(&scan));
        assert!(!Matcher::EventKey {
            event: "CLICK",
            key: "s1"
        }
        .matches(&scan));
        assert!(Matcher::keyword("绑定.*").matches(&text));
        assert!(
            !Matcher::keyword("绑定").matches(&text),
            "whole text, not a prefix"
        );
        assert!(Matcher::UserMessage.matches(&image) && !Matcher::UserMessage.matches(&scan));
        assert!(matches!(Matcher::keyword("(unclosed"), Matcher::Never));
        assert!(!Matcher::Never.matches(&text) && Matcher::Any.matches(&text));
    }
}
