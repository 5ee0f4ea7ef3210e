//! A JSON body that does not fit its request type, told as a person can act on it: which field
//! is missing or has the wrong kind of value, in Chinese, with the field's name for programs.
//! serde names a missing field itself; for a wrong type it gives only a position, so the field
//! is the last key written before that position in the body.

/// Chinese names of the request fields people fill in.
const LABELS: &[(&str, &str)] = &[
    ("all_cohorts", "全部届别"),
    ("body", "正文"),
    ("carry", "留任名单"),
    ("code", "验证码"),
    ("cohort", "届别"),
    ("confidential", "保密"),
    ("content", "内容"),
    ("cover_url", "封面图片"),
    ("deadline", "截止时间"),
    ("disable_rest", "停用其余"),
    ("education_level", "学历层次"),
    ("education_levels", "学历层次"),
    ("ends_at", "结束时间"),
    ("from", "届别"),
    ("kind", "类型"),
    ("link", "链接"),
    ("major_ids", "负责专业"),
    ("name", "名称"),
    ("new_password", "新密码"),
    ("old_password", "原密码"),
    ("org_unit_id", "所属单位"),
    ("parent_id", "上级单位"),
    ("password", "密码"),
    ("phone", "手机号"),
    ("role", "角色"),
    ("starts_at", "开始时间"),
    ("summary", "摘要"),
    ("title", "标题"),
    ("unit_ids", "发布对象"),
    ("username", "用户名"),
];

/// Longest field name echoed back: a hostile body's key is not copied whole.
const MAX_FIELD: usize = 64;

fn label(field: &str) -> String {
    match LABELS.iter().find(|(name, _)| *name == field) {
        Some((_, label)) => format!("{field}（{label}）"),
        None => field.to_string(),
    }
}

/// `missing field `deadline`` → `deadline`.
fn missing_field(detail: &str) -> Option<&str> {
    let rest = &detail[detail.find("missing field `")? + "missing field `".len()..];
    Some(&rest[..rest.find('`')?])
}

/// `… at line 2 column 17` → the byte offset of that position in `body`.
fn offset_of(detail: &str, body: &str) -> Option<usize> {
    let at = detail.rfind(" at line ")?;
    let mut words = detail[at..].split_whitespace().skip(2);
    let line: usize = words.next()?.parse().ok()?;
    let column: usize = words.nth(1)?.parse().ok()?;
    let start: usize = body
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    Some((start + column).min(body.len()))
}

/// The last `"key":` before `offset`.
fn key_before(body: &str, offset: usize) -> Option<&str> {
    let mut end = offset;
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    let before = &body[..end];
    let colon = before.rfind(':')?;
    let quoted = before[..colon].trim_end().strip_suffix('"')?;
    let open = quoted.rfind('"')?;
    Some(&quoted[open + 1..])
}

fn plain(field: &str) -> bool {
    !field.is_empty()
        && field.len() <= MAX_FIELD
        && field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The field at fault and the message, when serde's `detail` says which (or where).
pub fn explain(detail: &str, body: &[u8]) -> Option<(String, String)> {
    if let Some(field) = missing_field(detail).filter(|f| plain(f)) {
        return Some((field.to_string(), format!("缺少字段 {}", label(field))));
    }
    // serde's message may follow the framework's own words ("parse body failed: …").
    let kind = if detail.contains("invalid type") {
        "类型不对"
    } else if detail.contains("invalid value") || detail.contains("unknown variant") {
        "取值无效"
    } else if detail.contains("invalid length") {
        "长度不对"
    } else {
        return None;
    };
    let body = std::str::from_utf8(body).ok()?;
    let field = key_before(body, offset_of(detail, body)?).filter(|f| plain(f))?;
    Some((field.to_string(), format!("字段 {} {kind}", label(field))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_named_in_chinese() {
        let (field, message) =
            explain("missing field `deadline` at line 1 column 30", b"{}").unwrap();
        assert_eq!(field, "deadline");
        assert_eq!(message, "缺少字段 deadline（截止时间）");
    }

    #[test]
    fn a_wrong_type_is_found_by_its_position() {
        let body = br#"{"title": "t", "target": {"cohort": "2027", "unit_ids": []}}"#;
        let detail = r#"invalid type: string "2027", expected i32 at line 1 column 42"#;
        let (field, message) = explain(detail, body).unwrap();
        assert_eq!(field, "cohort");
        assert_eq!(message, "字段 cohort（届别） 类型不对");
        let body = b"{\n  \"title\": 5\n}";
        let detail = "invalid type: integer `5`, expected a string at line 2 column 12";
        assert_eq!(explain(detail, body).unwrap().0, "title");
    }

    #[test]
    fn nothing_is_made_up() {
        assert!(explain("expected value at line 1 column 1", b"{").is_none());
        assert!(explain("invalid type: null at line 9 column 99", b"{}").is_none());
        let long = format!("missing field `{}`", "x".repeat(500));
        assert!(explain(&long, b"{}").is_none());
    }
}
