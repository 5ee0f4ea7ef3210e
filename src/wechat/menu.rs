//! The custom menu: a menu document with placeholders filled from settings, checked against
//! WeChat's limits before `menu/create` (wechat-protocol.md §8).

use serde_json::Value;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MenuError {
    #[error("menu is not valid JSON: {0}")]
    Json(String),
    #[error("menu: {0}")]
    Invalid(String),
}

/// Replace `${NAME}` placeholders, then validate.
pub fn prepare(template: &str, vars: &[(&str, &str)]) -> Result<Value, MenuError> {
    let mut text = template.to_string();
    for (name, value) in vars {
        // Values are inserted as JSON string contents, so they are escaped as such.
        let escaped = serde_json::to_string(value).map_err(|e| MenuError::Json(e.to_string()))?;
        let inner = escaped.trim_matches('"');
        text = text.replace(&format!("${{{name}}}"), inner);
    }
    if let Some(start) = text.find("${") {
        let rest: String = text[start..].chars().take(40).collect();
        return Err(MenuError::Invalid(format!(
            "unfilled placeholder near {rest}"
        )));
    }
    let menu: Value = serde_json::from_str(&text).map_err(|e| MenuError::Json(e.to_string()))?;
    validate(&menu)?;
    Ok(menu)
}

fn validate(menu: &Value) -> Result<(), MenuError> {
    let invalid = |m: String| Err(MenuError::Invalid(m));
    let Some(buttons) = menu.get("button").and_then(Value::as_array) else {
        return invalid("top-level \"button\" array missing".into());
    };
    if !(1..=3).contains(&buttons.len()) {
        return invalid(format!("1 to 3 buttons allowed, found {}", buttons.len()));
    }
    for button in buttons {
        match button.get("sub_button").and_then(Value::as_array) {
            Some(subs) => {
                check_name(button, 16)?;
                if !(1..=5).contains(&subs.len()) {
                    return invalid(format!("1 to 5 sub buttons allowed, found {}", subs.len()));
                }
                for sub in subs {
                    check_button(sub, 60)?;
                }
            }
            None => check_button(button, 16)?,
        }
    }
    Ok(())
}

fn check_name(button: &Value, max_bytes: usize) -> Result<(), MenuError> {
    let name = button
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if name.is_empty() || name.len() > max_bytes {
        return Err(MenuError::Invalid(format!(
            "button name {name:?} must be 1..={max_bytes} bytes"
        )));
    }
    Ok(())
}

fn check_button(button: &Value, max_name_bytes: usize) -> Result<(), MenuError> {
    check_name(button, max_name_bytes)?;
    let field = |key: &str| button.get(key).and_then(Value::as_str).unwrap_or_default();
    let name = field("name");
    let need = |key: &str, max: usize| {
        let value = field(key);
        if value.is_empty() || value.len() > max {
            Err(MenuError::Invalid(format!(
                "button {name:?} needs {key} (1..={max} bytes)"
            )))
        } else {
            Ok(())
        }
    };
    match field("type") {
        "click" => need("key", 128),
        "view" => need("url", 1024),
        "miniprogram" => {
            need("appid", 64)?;
            need("pagepath", 1024)?;
            need("url", 1024)
        }
        other => Err(MenuError::Invalid(format!(
            "button {name:?} has unsupported type {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WITH_PLACEHOLDER: &str = r#"{"button":[{"type":"miniprogram","name":"x","appid":"${APP}","pagepath":"p","url":"https://a"}]}"#;

    #[test]
    fn placeholders_are_filled_as_json_string_contents() {
        let menu = prepare(WITH_PLACEHOLDER, &[("APP", "wx\"1")]).unwrap();
        assert_eq!(menu["button"][0]["appid"], "wx\"1");
    }

    #[test]
    fn unfilled_placeholders_and_broken_menus_are_refused() {
        assert!(matches!(
            prepare(WITH_PLACEHOLDER, &[]),
            Err(MenuError::Invalid(_))
        ));
        assert!(prepare(r#"{"button":[]}"#, &[]).is_err());
        assert!(prepare(r#"{"button":[{"type":"click","name":"x"}]}"#, &[]).is_err());
        assert!(prepare(
            r#"{"button":[{"type":"click","name":"这是一个非常非常长的菜单名字","key":"k"}]}"#,
            &[]
        )
        .is_err());
        assert!(prepare(
            r#"{"button":[{"type":"click","name":"ok","key":"k"}]}"#,
            &[]
        )
        .is_ok());
    }
}
