//! A list of accounts to create, one row each: counselors (and college admins) onboarded from
//! one spreadsheet. Names are checked against the catalog by the caller, which suggests the
//! closest catalog names when one does not match.

use super::cohort::Cohort;
use super::education::EducationLevel;
use super::employment::level_of;
use super::phone::MobilePhone;
use super::role::Role;
use super::sheet::{Layout, RowError, RowProblems, SheetColumn};
use super::username::Username;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountColumn {
    Name,
    Phone,
    Role,
    College,
    Levels,
    Majors,
    Username,
    /// 届别: a counselor's class; empty means the class under way.
    Cohort,
}

impl SheetColumn for AccountColumn {
    fn all() -> &'static [Self] {
        &[
            Self::Name,
            Self::Phone,
            Self::Role,
            Self::College,
            Self::Levels,
            Self::Majors,
            Self::Username,
            Self::Cohort,
        ]
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::Name => &["姓名", "辅导员姓名"],
            Self::Phone => &["手机号", "手机", "手机号码", "联系电话"],
            Self::Role => &["角色", "账号类型"],
            Self::College => &["院系", "学院", "所在院系", "院系名称"],
            Self::Levels => &["学历层次", "负责学历层次", "学历"],
            Self::Majors => &["负责专业", "专业"],
            Self::Username => &["用户名", "登录名"],
            Self::Cohort => &["届别", "服务届别", "所带届别"],
        }
    }

    fn required(self) -> bool {
        matches!(self, Self::Name | Self::Phone | Self::College)
    }
}

pub type AccountLayout = Layout<AccountColumn>;

/// One account to create, every field parsed; the college and majors still by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub row: usize,
    pub name: String,
    pub phone: MobilePhone,
    pub role: Role,
    pub college: String,
    pub levels: Vec<EducationLevel>,
    pub majors: Vec<String>,
    pub username: Username,
    /// A counselor's class (届); none means the class under way.
    pub cohort: Option<Cohort>,
}

/// Cells holding several values: 本科、硕士研究生 / 软件工程,计算机科学与技术.
fn split_list(cell: &str) -> Vec<String> {
    let mut values: Vec<String> = cell
        .split(['、', '，', ',', ';', '；', '/', '|', '\n'])
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect();
    values.dedup();
    values
}

fn parse_role(cell: &str) -> Option<Role> {
    match cell.trim() {
        "" | "辅导员" | "counselor" => Some(Role::Counselor),
        "院系管理员" | "学院管理员" | "college_admin" => Some(Role::CollegeAdmin),
        _ => None,
    }
}

pub fn parse_row(
    row: usize,
    cells: &[String],
    layout: &AccountLayout,
) -> Result<AccountRow, Vec<RowError>> {
    let mut problems = RowProblems::new(row);
    let cell = |column| layout.cell(cells, column);
    let name = problems.take(
        AccountColumn::Name,
        super::username::parse_person_name(cell(AccountColumn::Name)),
    );
    let phone = problems.take(
        AccountColumn::Phone,
        MobilePhone::parse(cell(AccountColumn::Phone)),
    );
    let role = parse_role(cell(AccountColumn::Role));
    if role.is_none() {
        problems.add(
            AccountColumn::Role,
            format!(
                "角色“{}”无效，应为辅导员或院系管理员",
                cell(AccountColumn::Role)
            ),
        );
    }
    let college = cell(AccountColumn::College).to_string();
    if college.is_empty() {
        problems.add(AccountColumn::College, "请填写院系");
    }
    let levels = parse_levels(cell(AccountColumn::Levels), &mut problems);
    let majors = split_list(cell(AccountColumn::Majors));
    if let Some(role) = role {
        check_duties(
            role,
            &levels,
            cell(AccountColumn::Levels),
            &majors,
            &mut problems,
        );
    }
    let username = parse_username(cell(AccountColumn::Username), phone.as_ref(), &mut problems);
    let cohort_cell = cell(AccountColumn::Cohort);
    let cohort = if cohort_cell.is_empty() {
        None
    } else if role.is_some_and(|r| r != Role::Counselor) {
        problems.add(AccountColumn::Cohort, "院系管理员不填写届别");
        None
    } else {
        problems.take(AccountColumn::Cohort, Cohort::parse("届别", cohort_cell))
    };
    match (name, phone, role, username) {
        (Some(name), Some(phone), Some(role), Some(username)) if problems.is_empty() => {
            Ok(AccountRow {
                row,
                name,
                phone,
                role,
                college,
                levels,
                majors,
                username,
                cohort,
            })
        }
        _ => Err(problems.into_errors()),
    }
}

fn parse_levels(text: &str, problems: &mut RowProblems) -> Vec<EducationLevel> {
    let mut levels = Vec::new();
    for value in split_list(text) {
        match level_of(&value) {
            Some(level) if !levels.contains(&level) => levels.push(level),
            Some(_) => {}
            None => problems.add(
                AccountColumn::Levels,
                format!("学历层次“{value}”无效，应为专科、本科、硕士研究生或博士研究生"),
            ),
        }
    }
    levels.sort();
    levels
}

/// A counselor is responsible for levels and majors; a college admin for neither.
fn check_duties(
    role: Role,
    levels: &[EducationLevel],
    levels_text: &str,
    majors: &[String],
    problems: &mut RowProblems,
) {
    if role == Role::Counselor {
        if levels.is_empty() && levels_text.is_empty() {
            problems.add(AccountColumn::Levels, "辅导员须填写负责的学历层次");
        }
        if majors.is_empty() {
            problems.add(AccountColumn::Majors, "辅导员须填写负责专业");
        }
    } else if !levels.is_empty() || !majors.is_empty() {
        problems.add(AccountColumn::Majors, "院系管理员不填写学历层次和负责专业");
    }
}

fn parse_username(
    given: &str,
    phone: Option<&MobilePhone>,
    problems: &mut RowProblems,
) -> Option<Username> {
    if given.is_empty() {
        // Like the single-account form: the phone number is the username by default.
        return phone.and_then(|phone| Username::parse(phone.as_str()).ok());
    }
    problems.take(AccountColumn::Username, Username::parse(given))
}

fn bigrams(text: &str) -> Vec<(char, char)> {
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if chars.len() == 1 {
        return vec![(chars[0], chars[0])];
    }
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// How alike two names are, 0–1: shared character pairs (Dice), and containment (软件工程 in
/// 软件工程（嵌入式）) counts as close.
fn likeness(a: &str, b: &str) -> f64 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.contains(b) || b.contains(a) {
        return 0.9;
    }
    let (x, y) = (bigrams(a), bigrams(b));
    let mut rest = y.clone();
    let mut shared = 0usize;
    for pair in &x {
        if let Some(i) = rest.iter().position(|p| p == pair) {
            rest.swap_remove(i);
            shared += 1;
        }
    }
    2.0 * shared as f64 / (x.len() + y.len()) as f64
}

/// Up to three catalog names closest to `name`, best first.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (likeness(name, c), c))
        .filter(|(score, _)| *score >= 0.3)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> AccountLayout {
        let headers: Vec<String> = [
            "姓名",
            "手机号",
            "角色",
            "院系",
            "学历层次",
            "负责专业",
            "用户名",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        AccountLayout::parse(&headers).unwrap()
    }

    fn row(cells: &[&str]) -> Result<AccountRow, Vec<RowError>> {
        let cells: Vec<String> = cells.iter().map(|s| s.to_string()).collect();
        parse_row(2, &cells, &layout())
    }

    fn columns(result: Result<AccountRow, Vec<RowError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|e| e.column).collect()
    }

    #[test]
    fn a_counselor_row_parses_with_lists_and_defaults() {
        let parsed = row(&[
            "王老师",
            "13900000001",
            "",
            "计算机学院",
            "本科、硕士",
            "软件工程，计算机科学与技术",
            "",
        ])
        .unwrap();
        assert_eq!(parsed.role, Role::Counselor);
        assert_eq!(
            parsed.levels,
            vec![EducationLevel::Bachelor, EducationLevel::Master]
        );
        assert_eq!(parsed.majors, vec!["软件工程", "计算机科学与技术"]);
        assert_eq!(parsed.username.as_str(), "13900000001");
    }

    #[test]
    fn every_problem_of_a_row_is_reported() {
        assert_eq!(
            columns(row(&["", "1390000", "校长", "", "", "", ""])),
            vec!["姓名", "手机号", "角色", "院系"]
        );
        assert_eq!(
            columns(row(&[
                "王",
                "13900000001",
                "辅导员",
                "计算机学院",
                "小学",
                "",
                ""
            ])),
            vec!["学历层次", "负责专业"]
        );
        assert_eq!(
            columns(row(&[
                "王",
                "13900000001",
                "院系管理员",
                "计算机学院",
                "本科",
                "",
                ""
            ])),
            vec!["负责专业"]
        );
        assert!(row(&[
            "王",
            "13900000001",
            "院系管理员",
            "计算机学院",
            "",
            "",
            "wang"
        ])
        .is_ok());
    }

    #[test]
    fn suggestions_are_the_closest_names() {
        let catalog = ["软件工程", "计算机科学与技术", "英语", "网络工程"];
        assert_eq!(closest("软件工程（嵌入式）", catalog), vec!["软件工程"]);
        assert_eq!(closest("计算机科学", catalog), vec!["计算机科学与技术"]);
        assert_eq!(closest("网路工程", catalog)[0], "网络工程");
        assert!(closest("临床医学", catalog).is_empty());
        // Colleges sharing only 学院 are not alike.
        assert!(closest("机械学院", ["计算机学院", "外国语学院"]).is_empty());
    }
}
