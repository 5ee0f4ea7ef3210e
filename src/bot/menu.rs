//! The official account's default custom menu, built into the binary so that
//! `fudao wechat menu sync` works wherever the binary is: the two entries counselors are told
//! about ("辅导员" opens the mini program, "就业资讯" answers with the news) at the top, the chat
//! commands under "我的". A file given with `--file` replaces it.

/// `config/menu.json`, with `${MINIPROGRAM_APP_ID}` and `${MINIPROGRAM_TASKS_PATH}` to fill.
pub const DEFAULT_MENU: &str = include_str!("../../config/menu.json");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bot::rules::{MENU_BIND, MENU_HELP, MENU_NEWS, MENU_TASKS};
    use crate::wechat::menu::prepare;
    use serde_json::Value;

    fn filled() -> Value {
        prepare(
            DEFAULT_MENU,
            &[
                ("MINIPROGRAM_APP_ID", "wx123"),
                ("MINIPROGRAM_TASKS_PATH", "pages/tasks/index"),
            ],
        )
        .expect("the default menu is valid once filled")
    }

    fn click_keys(button: &Value, out: &mut Vec<String>) {
        if let Some(key) = button.get("key").and_then(Value::as_str) {
            out.push(key.to_string());
        }
        for sub in button["sub_button"].as_array().into_iter().flatten() {
            click_keys(sub, out);
        }
    }

    #[test]
    fn the_seed_entries_are_top_level_buttons() {
        let menu = filled();
        let top = menu["button"].as_array().expect("buttons");
        assert_eq!(top[0]["name"], "辅导员");
        assert_eq!(top[0]["type"], "miniprogram");
        assert_eq!(top[0]["appid"], "wx123");
        assert_eq!(top[1]["name"], "就业资讯");
        assert_eq!(top[1]["key"], MENU_NEWS);
    }

    #[test]
    fn every_click_key_of_the_default_menu_has_a_rule() {
        let mut keys = Vec::new();
        for button in filled()["button"].as_array().expect("buttons") {
            click_keys(button, &mut keys);
        }
        keys.sort();
        let mut handled = vec![MENU_BIND, MENU_HELP, MENU_NEWS, MENU_TASKS];
        handled.sort();
        assert_eq!(keys, handled);
    }
}
