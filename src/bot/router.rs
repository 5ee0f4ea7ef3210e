//! Ordered rules: the first whose matcher accepts the message handles it. Interceptors run once
//! before any rule (e.g. loading who the sender is); a rule's guards then decide whether its
//! handler runs at all, so handlers never re-check who may use them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use async_trait::async_trait;
use regex::Regex;

use super::context::BotCtx;
use crate::error::AppResult;
use crate::wechat::message::{Event, EventKind, Incoming, Kind};
use crate::wechat::reply::Reply;

pub type HandlerFuture = Pin<Box<dyn Future<Output = AppResult<Option<Reply>>> + Send>>;
type Handler = Box<dyn Fn(Arc<BotCtx>, Captures) -> HandlerFuture + Send + Sync>;

pub enum Matcher {
    /// An event of this kind, whatever it carries.
    Event(EventKind),
    /// A tap on the custom menu item with this key.
    MenuClick(&'static str),
    /// A text message whose trimmed content matches; its groups go to the handler.
    Keyword(Regex),
    /// Any message a user typed or sent (text, image, voice, video, location, link).
    UserMessage,
    /// Anything at all.
    Any,
    /// Nothing (what an invalid keyword pattern becomes; the rules table test catches it).
    Never,
}

/// The groups a keyword pattern captured, by number (0 is the whole trimmed text); empty for
/// every other matcher.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Captures(Vec<Option<String>>);

impl Captures {
    /// Group `index`, when it took part in the match.
    pub fn get(&self, index: usize) -> Option<&str> {
        self.0.get(index).and_then(Option::as_deref)
    }
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

    /// What the message hands the handler when this matcher accepts it.
    pub fn matches(&self, incoming: &Incoming) -> Option<Captures> {
        let accepted = match self {
            Matcher::Event(kind) => {
                matches!(&incoming.kind, Kind::Event(event) if event.kind() == *kind)
            }
            Matcher::MenuClick(key) => {
                matches!(&incoming.kind, Kind::Event(Event::Click { key: clicked }) if clicked == key)
            }
            Matcher::Keyword(regex) => {
                let Kind::Text { content, .. } = &incoming.kind else {
                    return None;
                };
                let found = regex.captures(content.trim())?;
                let groups = found
                    .iter()
                    .map(|group| group.map(|g| g.as_str().to_string()))
                    .collect();
                return Some(Captures(groups));
            }
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
        };
        accepted.then(Captures::default)
    }
}

/// A condition on the sender that a rule's handler may take for granted. When it does not
/// hold, the text it returns is the whole answer and the handler does not run.
pub trait Guard: Send + Sync {
    fn check(&self, ctx: &BotCtx) -> Result<(), String>;
}

pub struct Rule {
    pub name: &'static str,
    pub matcher: Matcher,
    guards: Vec<Box<dyn Guard>>,
    handler: Handler,
    /// The line this command adds to the help text, if it is a command users type.
    pub help: Option<&'static str>,
}

impl Rule {
    pub fn new<H, F>(name: &'static str, matcher: Matcher, handler: H) -> Self
    where
        H: Fn(Arc<BotCtx>, Captures) -> F + Send + Sync + 'static,
        F: Future<Output = AppResult<Option<Reply>>> + Send + 'static,
    {
        Self {
            name,
            matcher,
            guards: Vec::new(),
            handler: Box::new(move |ctx, captures| Box::pin(handler(ctx, captures))),
            help: None,
        }
    }

    /// Checked in the order added, after the interceptors.
    pub fn guard(mut self, guard: impl Guard + 'static) -> Self {
        self.guards.push(Box::new(guard));
        self
    }

    pub fn help(mut self, line: &'static str) -> Self {
        self.help = Some(line);
        self
    }

    /// The first guard's refusal, or the handler's answer.
    pub async fn handle(&self, ctx: Arc<BotCtx>, captures: Captures) -> AppResult<Option<Reply>> {
        for guard in &self.guards {
            if let Err(answer) = guard.check(&ctx) {
                return Ok(Some(Reply::Text(answer)));
            }
        }
        (self.handler)(ctx, captures).await
    }
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

    /// The first rule that accepts the message, with what its matcher captured.
    pub fn route(&self, incoming: &Incoming) -> Option<(&Rule, Captures)> {
        self.rules.iter().find_map(|rule| {
            rule.matcher
                .matches(incoming)
                .map(|captures| (rule, captures))
        })
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
        let click = parse("<MsgType>event</MsgType><Event>CLICK</Event><EventKey>s1</EventKey>");
        let text = parse("<MsgType>text</MsgType><Content>绑定 1</Content><MsgId>1</MsgId>");
        assert!(Matcher::Event(EventKind::Scan).matches(&scan).is_some());
        assert!(Matcher::Event(EventKind::Click).matches(&scan).is_none());
        assert!(Matcher::MenuClick("s1").matches(&click).is_some());
        assert!(Matcher::MenuClick("s2").matches(&click).is_none());
        assert!(
            Matcher::MenuClick("s1").matches(&scan).is_none(),
            "a scene is not a menu key"
        );
        assert!(Matcher::keyword("绑定.*").matches(&text).is_some());
        assert!(
            Matcher::keyword("绑定").matches(&text).is_none(),
            "whole text, not a prefix"
        );
        assert!(Matcher::UserMessage.matches(&image).is_some());
        assert!(Matcher::UserMessage.matches(&scan).is_none());
        assert!(matches!(Matcher::keyword("(unclosed"), Matcher::Never));
        assert!(Matcher::Never.matches(&text).is_none() && Matcher::Any.matches(&text).is_some());
    }

    #[test]
    fn a_keyword_hands_over_its_groups() {
        let text = parse("<MsgType>text</MsgType><Content> 完成 12 </Content><MsgId>1</MsgId>");
        let captures = Matcher::keyword(r"完成\s*(\d+)(x)?")
            .matches(&text)
            .expect("matches");
        assert_eq!(captures.get(0), Some("完成 12"));
        assert_eq!(captures.get(1), Some("12"));
        assert_eq!(captures.get(2), None, "a group that did not take part");
        assert_eq!(captures.get(3), None, "no such group");
        let other = Matcher::Any.matches(&text).expect("matches");
        assert_eq!(other, Captures::default());
    }
}
