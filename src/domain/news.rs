//! 就业资讯: an item an admin publishes to every account under their unit. Either a link to an
//! article elsewhere (a 公众号 article, a job fair page) or a plain-text body shown by Fudao.

use super::task::parse_link;
use super::Invalid;

pub const TITLE_MAX_CHARS: usize = 64;
pub const SUMMARY_MAX_CHARS: usize = 120;
pub const BODY_MAX_CHARS: usize = 20_000;

/// Where the item's content is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewsContent {
    Link(String),
    Body(String),
}

/// A news item's fields, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewsFields {
    pub title: String,
    pub summary: String,
    pub cover_url: Option<String>,
    pub content: NewsContent,
}

fn parse_title(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > TITLE_MAX_CHARS {
        return Err(Invalid::new(
            "title",
            format!("标题须为 1–{TITLE_MAX_CHARS} 个字符"),
        ));
    }
    Ok(value.to_string())
}

/// Cover images are shown inside WeChat, which loads only https images reliably.
fn parse_cover(value: Option<&str>) -> Result<Option<String>, Invalid> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    match parse_link(value) {
        Ok(Some(url)) if url.starts_with("https://") && url.chars().count() <= 512 => Ok(Some(url)),
        _ => Err(Invalid::new(
            "cover_url",
            "封面图片须为 https:// 开头的图片地址，不超过 512 个字符",
        )),
    }
}

/// A summary when none is given: the body's first characters, on one line.
fn summary_from(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut summary: String = flat.chars().take(SUMMARY_MAX_CHARS - 1).collect();
    if flat.chars().count() > SUMMARY_MAX_CHARS - 1 {
        summary.push('…');
    }
    summary
}

impl NewsFields {
    pub fn parse(
        title: &str,
        summary: Option<&str>,
        cover_url: Option<&str>,
        link_url: Option<&str>,
        body: Option<&str>,
    ) -> Result<Self, Invalid> {
        let title = parse_title(title)?;
        let link = match link_url {
            Some(link) => parse_link(link).map_err(|e| Invalid::new("link_url", e.message))?,
            None => None,
        };
        let body = body.map(str::trim).filter(|b| !b.is_empty());
        let content = match (link, body) {
            (Some(_), Some(_)) => {
                return Err(Invalid::new("body", "链接和正文只能填写一项"));
            }
            (None, None) => return Err(Invalid::new("body", "请填写正文，或填写文章链接")),
            (Some(link), None) => NewsContent::Link(link),
            (None, Some(body)) if body.chars().count() > BODY_MAX_CHARS => {
                return Err(Invalid::new(
                    "body",
                    format!("正文不能超过 {BODY_MAX_CHARS} 个字符"),
                ));
            }
            (None, Some(body)) => NewsContent::Body(body.replace("\r\n", "\n")),
        };
        let summary = match summary.map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) if s.chars().count() > SUMMARY_MAX_CHARS => {
                return Err(Invalid::new(
                    "summary",
                    format!("摘要不能超过 {SUMMARY_MAX_CHARS} 个字符"),
                ));
            }
            Some(s) => s.to_string(),
            None => match &content {
                NewsContent::Body(body) => summary_from(body),
                NewsContent::Link(_) => String::new(),
            },
        };
        Ok(Self {
            title,
            summary,
            cover_url: parse_cover(cover_url)?,
            content,
        })
    }

    pub fn link(&self) -> Option<&str> {
        match &self.content {
            NewsContent::Link(link) => Some(link),
            NewsContent::Body(_) => None,
        }
    }

    pub fn body(&self) -> Option<&str> {
        match &self.content {
            NewsContent::Body(body) => Some(body),
            NewsContent::Link(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_has_a_link_or_a_body_never_both() {
        let linked = NewsFields::parse(
            "春招",
            None,
            None,
            Some("https://mp.weixin.qq.com/s/x"),
            None,
        )
        .unwrap();
        assert_eq!(linked.link(), Some("https://mp.weixin.qq.com/s/x"));
        let both = NewsFields::parse("春招", None, None, Some("https://a.cn"), Some("正文"));
        assert_eq!(both.unwrap_err().field, "body");
        let neither = NewsFields::parse("春招", None, None, None, Some("  "));
        assert_eq!(neither.unwrap_err().field, "body");
        let bad_link = NewsFields::parse("春招", None, None, Some("ftp://a"), None);
        assert_eq!(bad_link.unwrap_err().field, "link_url");
    }

    #[test]
    fn titles_summaries_and_covers_are_bounded() {
        assert_eq!(
            NewsFields::parse(" ", None, None, None, Some("x"))
                .unwrap_err()
                .field,
            "title"
        );
        let long = "长".repeat(65);
        assert!(NewsFields::parse(&long, None, None, None, Some("x")).is_err());
        let summary = "摘".repeat(121);
        assert_eq!(
            NewsFields::parse("t", Some(&summary), None, None, Some("x"))
                .unwrap_err()
                .field,
            "summary"
        );
        let http_cover = NewsFields::parse("t", None, Some("http://a.cn/c.png"), None, Some("x"));
        assert_eq!(http_cover.unwrap_err().field, "cover_url");
        let ok = NewsFields::parse("t", None, Some("https://a.cn/c.png"), None, Some("x")).unwrap();
        assert_eq!(ok.cover_url.as_deref(), Some("https://a.cn/c.png"));
    }

    #[test]
    fn a_body_without_summary_lends_its_opening() {
        let body = format!("第一段\n\n{}", "字".repeat(200));
        let item = NewsFields::parse("t", None, None, None, Some(&body)).unwrap();
        assert!(item.summary.starts_with("第一段 字"));
        assert_eq!(item.summary.chars().count(), SUMMARY_MAX_CHARS);
        assert!(item.summary.ends_with('…'));
    }
}
