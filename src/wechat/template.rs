//! Template-message values cut to WeChat's rules for each key type (wechat-protocol.md §4,
//! 类目模板): lengths count characters (Unicode scalar values), never bytes, and no value may
//! contain a line break.

/// Fit `value` to the type its key names (`thing1` → thing, `time2` → time, ...).
pub fn fit(key: &str, value: &str) -> String {
    let kind = key.trim_end_matches(|c: char| c.is_ascii_digit());
    let flat: String = value
        .chars()
        .map(|c| {
            if c == '\n' || c == '\r' || c == '\t' {
                ' '
            } else {
                c
            }
        })
        .collect();
    let flat = flat.trim();
    match kind {
        "thing" => with_ellipsis(flat, 20),
        "number" | "letter" | "character_string" => cut(flat, 32),
        "symbol" | "phrase" => cut(flat, 5),
        "phone_number" => cut(flat, 17),
        "car_number" => cut(flat, 8),
        "name" => {
            if flat.is_ascii() {
                cut(flat, 20)
            } else {
                cut(flat, 10)
            }
        }
        // time, date, amount, const and unknown types: cutting would make them invalid.
        _ => flat.to_string(),
    }
}

fn cut(value: &str, max: usize) -> String {
    value.chars().take(max).collect()
}

fn with_ellipsis(value: &str, max: usize) -> String {
    if value.chars().count() <= max {
        return value.to_string();
    }
    let mut out: String = value.chars().take(max - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn things_are_cut_by_characters_with_an_ellipsis() {
        let title = "关于做好2027届高校毕业生就业创业工作的通知（教育部）";
        let fitted = fit("thing1", title);
        assert_eq!(fitted.chars().count(), 20);
        assert!(fitted.ends_with('…'));
        assert!(fitted.starts_with("关于做好2027届"));
        assert_eq!(fit("thing2", "招聘会"), "招聘会");
        // Exactly 20 characters stay whole.
        let twenty = "一二三四五六七八九十一二三四五六七八九十";
        assert_eq!(fit("thing3", twenty), twenty);
    }

    #[test]
    fn other_types_follow_their_own_limits() {
        assert_eq!(fit("phrase4", "进行中的任务"), "进行中的任");
        assert_eq!(
            fit("name5", "欧阳娜娜娜娜娜娜娜娜娜"),
            "欧阳娜娜娜娜娜娜娜娜"
        );
        assert_eq!(fit("character_string6", &"A".repeat(40)).len(), 32);
        assert_eq!(fit("time7", "2026年11月29日 15:00"), "2026年11月29日 15:00");
    }

    #[test]
    fn line_breaks_never_reach_wechat() {
        assert_eq!(fit("thing1", "第一行\n第二行"), "第一行 第二行");
    }
}
