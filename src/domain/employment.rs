//! The employment data report (就业数据上报): its columns with the header names schools use,
//! and one graduate's row parsed. Codes are checked against the code table by the caller.

use super::education::EducationLevel;
pub use super::sheet::RowError;
use super::sheet::{RowProblems, SheetColumn};

/// A column of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    StudentNo,
    Name,
    College,
    Major,
    Level,
    Cohort,
    Destination,
    EmployerType,
    Industry,
    Region,
}

impl SheetColumn for Column {
    fn all() -> &'static [Self] {
        &Column::ALL
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Self::StudentNo => &["学号", "学生学号", "学籍号"],
            Self::Name => &["姓名", "学生姓名"],
            Self::College => &["院系", "学院", "院系名称", "所在院系"],
            Self::Major => &["专业", "专业名称"],
            Self::Level => &["学历层次", "学历", "培养层次"],
            Self::Cohort => &["届别", "毕业届别", "届", "毕业年份"],
            Self::Destination => &["毕业去向代码", "毕业去向", "去向代码"],
            Self::EmployerType => &["单位性质代码", "单位性质"],
            Self::Industry => &["单位行业代码", "单位行业", "行业代码"],
            Self::Region => &["就业地区代码", "单位所在地代码", "地区代码", "就业地区"],
        }
    }

    fn required(self) -> bool {
        !matches!(self, Self::EmployerType | Self::Industry | Self::Region)
    }
}

impl Column {
    pub const ALL: [Column; 10] = [
        Column::StudentNo,
        Column::Name,
        Column::College,
        Column::Major,
        Column::Level,
        Column::Cohort,
        Column::Destination,
        Column::EmployerType,
        Column::Industry,
        Column::Region,
    ];
}

/// Where each column of the report is in the file.
pub type Layout = super::sheet::Layout<Column>;

/// One graduate, every field parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraduateRow {
    pub student_no: String,
    pub name: String,
    pub college: String,
    pub major: String,
    pub level: EducationLevel,
    pub cohort: i32,
    pub destination: String,
    pub employer_type: Option<String>,
    pub industry: Option<String>,
    pub region: Option<String>,
}

/// 单位性质 codes of the report.
pub const EMPLOYER_TYPES: [&str; 12] = [
    "10", "20", "21", "22", "23", "29", "31", "32", "39", "40", "55", "56",
];

/// GB/T 2260 province prefixes.
const PROVINCES: [&str; 34] = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// "10", "10 签就业协议形式就业", "10-签…" → "10".
fn leading_code(value: &str) -> &str {
    let end = value
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(i, _)| i)
        .unwrap_or(value.len());
    &value[..end]
}

pub fn level_of(value: &str) -> Option<EducationLevel> {
    let value = value.trim();
    EducationLevel::parse(value).ok().or(match value {
        "专科生" | "高职" | "高职专科" => Some(EducationLevel::Associate),
        "本科生" => Some(EducationLevel::Bachelor),
        "硕士" | "硕士生" | "研究生" => Some(EducationLevel::Master),
        "博士" | "博士生" => Some(EducationLevel::Doctor),
        _ => None,
    })
}

/// Parse one data row. `destination_known(cohort, code)` says whether the code table of that
/// cohort has the code.
pub fn parse_row(
    row: usize,
    cells: &[String],
    layout: &Layout,
    destination_known: impl Fn(i32, &str) -> bool,
) -> Result<GraduateRow, Vec<RowError>> {
    let mut problems = RowProblems::new(row);
    let cell = |column| layout.cell(cells, column);
    let student_no = required_text(
        cell(Column::StudentNo),
        Column::StudentNo,
        32,
        &mut problems,
    );
    if !student_no.is_empty() && !student_no.chars().all(|c| c.is_ascii_alphanumeric()) {
        problems.add(Column::StudentNo, "学号只能包含字母和数字");
    }
    let name = required_text(cell(Column::Name), Column::Name, 64, &mut problems);
    let college = required_text(cell(Column::College), Column::College, 100, &mut problems);
    let major = required_text(cell(Column::Major), Column::Major, 100, &mut problems);
    let level_cell = cell(Column::Level);
    let level = level_of(level_cell);
    if level.is_none() {
        problems.add(
            Column::Level,
            format!("学历层次“{level_cell}”无效，应为专科、本科、硕士研究生或博士研究生"),
        );
    }
    let cohort_cell = cell(Column::Cohort);
    let cohort = leading_code(cohort_cell)
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if cohort.is_none() {
        problems.add(
            Column::Cohort,
            format!("届别“{cohort_cell}”无效，应为四位年份，如 2027"),
        );
    }
    let destination_cell = cell(Column::Destination);
    let destination = leading_code(destination_cell).to_string();
    match cohort {
        Some(cohort) if !destination_known(cohort, &destination) => problems.add(
            Column::Destination,
            format!("毕业去向代码“{destination_cell}”不在 {cohort} 届的代码表中"),
        ),
        _ => {}
    }
    let employer_type = optional_code(
        cell(Column::EmployerType),
        Column::EmployerType,
        &mut problems,
    );
    let industry = optional_code(cell(Column::Industry), Column::Industry, &mut problems);
    let region = optional_code(cell(Column::Region), Column::Region, &mut problems);
    match (level, cohort, problems.is_empty()) {
        (Some(level), Some(cohort), true) => Ok(GraduateRow {
            student_no,
            name,
            college,
            major,
            level,
            cohort,
            destination,
            employer_type,
            industry,
            region,
        }),
        _ => Err(problems.into_errors()),
    }
}

/// A cell that must hold text of at most `max` characters.
fn required_text(value: &str, column: Column, max: usize, problems: &mut RowProblems) -> String {
    if value.is_empty() {
        problems.add(column, "不能为空");
    } else if value.chars().count() > max {
        problems.add(column, format!("不能超过 {max} 个字"));
    }
    value.to_string()
}

/// An optional coded cell (employer type, industry, region): its code, `None` when empty, and
/// a problem when the code is not in its table.
fn optional_code(cell: &str, column: Column, problems: &mut RowProblems) -> Option<String> {
    if cell.is_empty() {
        return None;
    }
    let code = match column {
        // Industry may be given by section letter (“I 信息传输…”) as well as by division.
        Column::Industry if cell.starts_with(|c: char| c.is_ascii_uppercase()) => &cell[..1],
        _ => leading_code(cell),
    };
    let valid = match column {
        Column::EmployerType => EMPLOYER_TYPES.contains(&code),
        Column::Industry => industry_section(code).is_some(),
        _ => code.len() == 6 && PROVINCES.contains(&&code[..2]),
    };
    if !valid {
        problems.add(column, format!("代码“{cell}”无效"));
        return None;
    }
    Some(code.to_string())
}

/// The code-table scheme a cohort uses: the newest one starting at or before it; cohorts older
/// than every scheme use the oldest.
pub fn scheme_for(starts: impl IntoIterator<Item = i32>, cohort: i32) -> Option<i32> {
    let mut starts: Vec<i32> = starts.into_iter().collect();
    starts.sort_unstable();
    starts.dedup();
    starts
        .iter()
        .rev()
        .find(|from| **from <= cohort)
        .or(starts.first())
        .copied()
}

/// Province names by GB/T 2260 prefix, for destination regions.
pub fn province_name(prefix: &str) -> &'static str {
    match prefix {
        "11" => "北京市",
        "12" => "天津市",
        "13" => "河北省",
        "14" => "山西省",
        "15" => "内蒙古自治区",
        "21" => "辽宁省",
        "22" => "吉林省",
        "23" => "黑龙江省",
        "31" => "上海市",
        "32" => "江苏省",
        "33" => "浙江省",
        "34" => "安徽省",
        "35" => "福建省",
        "36" => "江西省",
        "37" => "山东省",
        "41" => "河南省",
        "42" => "湖北省",
        "43" => "湖南省",
        "44" => "广东省",
        "45" => "广西壮族自治区",
        "46" => "海南省",
        "50" => "重庆市",
        "51" => "四川省",
        "52" => "贵州省",
        "53" => "云南省",
        "54" => "西藏自治区",
        "61" => "陕西省",
        "62" => "甘肃省",
        "63" => "青海省",
        "64" => "宁夏回族自治区",
        "65" => "新疆维吾尔自治区",
        "71" => "台湾省",
        "81" => "香港特别行政区",
        "82" => "澳门特别行政区",
        _ => "其他",
    }
}

/// The 门类 (section) of GB/T 4754-2017 an industry code belongs to: the code is either a
/// section letter (A–T) or a two-digit 大类 (division), 01–97.
pub fn industry_section(code: &str) -> Option<(&'static str, &'static str)> {
    const SECTIONS: [(&str, u8, &str); 20] = [
        ("A", 5, "农、林、牧、渔业"),
        ("B", 12, "采矿业"),
        ("C", 43, "制造业"),
        ("D", 46, "电力、热力、燃气及水生产和供应业"),
        ("E", 50, "建筑业"),
        ("F", 52, "批发和零售业"),
        ("G", 60, "交通运输、仓储和邮政业"),
        ("H", 62, "住宿和餐饮业"),
        ("I", 65, "信息传输、软件和信息技术服务业"),
        ("J", 69, "金融业"),
        ("K", 70, "房地产业"),
        ("L", 72, "租赁和商务服务业"),
        ("M", 75, "科学研究和技术服务业"),
        ("N", 79, "水利、环境和公共设施管理业"),
        ("O", 82, "居民服务、修理和其他服务业"),
        ("P", 83, "教育"),
        ("Q", 85, "卫生和社会工作"),
        ("R", 90, "文化、体育和娱乐业"),
        ("S", 96, "公共管理、社会保障和社会组织"),
        ("T", 97, "国际组织"),
    ];
    let found = if code.len() == 2 && code.bytes().all(|b| b.is_ascii_digit()) {
        let division: u8 = code.parse().ok()?;
        if division == 0 {
            return None;
        }
        // Divisions are numbered consecutively through the sections.
        SECTIONS.iter().find(|(_, last, _)| division <= *last)
    } else {
        SECTIONS.iter().find(|(letter, _, _)| *letter == code)
    };
    found.map(|(letter, _, label)| (*letter, *label))
}

/// 单位性质 labels.
pub fn employer_type_label(code: &str) -> &'static str {
    match code {
        "10" => "机关",
        "20" => "科研设计单位",
        "21" => "高等教育单位",
        "22" => "中初教育单位",
        "23" => "医疗卫生单位",
        "29" => "其他事业单位",
        "31" => "国有企业",
        "32" => "三资企业",
        "39" => "其他企业",
        "40" => "部队",
        "55" => "农村建制村",
        "56" => "城镇社区",
        _ => "其他",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn industry_codes_fall_into_their_sections() {
        assert_eq!(industry_section("01"), Some(("A", "农、林、牧、渔业")));
        assert_eq!(industry_section("05").map(|s| s.0), Some("A"));
        assert_eq!(industry_section("06").map(|s| s.0), Some("B"));
        assert_eq!(industry_section("39").map(|s| s.0), Some("C"));
        assert_eq!(industry_section("65").map(|s| s.0), Some("I"));
        assert_eq!(industry_section("70").map(|s| s.0), Some("K"));
        assert_eq!(industry_section("83").map(|s| s.0), Some("P"));
        assert_eq!(industry_section("97").map(|s| s.0), Some("T"));
        assert_eq!(
            industry_section("I").map(|s| s.1),
            Some("信息传输、软件和信息技术服务业")
        );
        assert_eq!(industry_section("00"), None);
        assert_eq!(industry_section("98"), None);
        assert_eq!(industry_section("U"), None);
        assert_eq!(industry_section("6"), None);
    }

    #[test]
    fn each_cohort_takes_the_newest_scheme_before_it() {
        let starts = [2021, 2024, 2021];
        assert_eq!(scheme_for(starts, 2023), Some(2021));
        assert_eq!(scheme_for(starts, 2024), Some(2024));
        assert_eq!(scheme_for(starts, 2030), Some(2024));
        assert_eq!(scheme_for(starts, 2019), Some(2021));
        assert_eq!(scheme_for([], 2024), None);
    }

    #[test]
    fn headers_take_aliases_and_name_what_is_missing() {
        let layout = Layout::parse(&strings(&[
            "\u{feff}学生学号",
            "姓名",
            "学院",
            "专业名称",
            "学历",
            "毕业届别",
            "毕业去向",
        ]))
        .unwrap();
        let row = parse_row(
            2,
            &strings(&[
                "2023001",
                "张三",
                "计算机学院",
                "软件工程",
                "本科生",
                "2027",
                "10 签就业协议形式就业",
            ]),
            &layout,
            |cohort, code| cohort == 2027 && code == "10",
        )
        .unwrap();
        assert_eq!(row.level, EducationLevel::Bachelor);
        assert_eq!(row.destination, "10");
        let missing = Layout::parse(&strings(&["学号", "姓名"])).unwrap_err();
        assert_eq!(missing.len(), 5);
        assert!(missing[0].reason.contains("缺少"));
    }

    #[test]
    fn every_bad_cell_is_reported_with_its_column() {
        let layout = Layout::parse(&strings(&[
            "学号",
            "姓名",
            "院系",
            "专业",
            "学历层次",
            "届别",
            "毕业去向代码",
            "单位性质代码",
            "就业地区代码",
        ]))
        .unwrap();
        let errors = parse_row(
            7,
            &strings(&[
                "20-1",
                "",
                "计算机学院",
                "软件工程",
                "小学",
                "27",
                "99",
                "77",
                "990000",
            ]),
            &layout,
            |_, _| false,
        )
        .unwrap_err();
        let columns: Vec<&str> = errors.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            columns,
            vec![
                "学号",
                "姓名",
                "学历层次",
                "届别",
                "单位性质代码",
                "就业地区代码"
            ]
        );
        assert!(errors.iter().all(|e| e.row == 7));
    }
}
