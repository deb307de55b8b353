//! The catalogues events refer to: the category tree with its deadlines, departments and
//! the people a dispatcher can assign to.

use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use super::models::{CategorySettings, NewCategory, StoredCategory, StoredDepartment};
use crate::accounts::SessionUser;
use crate::audit::AuditAction;
use crate::error::{AppError, ErrorCode, Validator};
use crate::events::types::{Assignee, Category, Department};
use crate::permissions::codes;
use crate::schema::{departments, event_categories};

/// (code, name, [hours normal, urgent, critical], children (code, name)).
type Group = (&'static str, &'static str, [i32; 3], &'static [(&'static str, &'static str)]);

/// The seed tree: the event classes of digital city management (GB/T 30428) and the social
/// governance categories of clause 8.3. Staff extend it in the UI.
pub const DEFAULT_CATEGORIES: &[Group] = &[
    ("CG01", "市容环境", [8, 4, 2], &[("CG0101", "暴露垃圾"), ("CG0102", "积存垃圾渣土"), ("CG0103", "道路不洁")]),
    (
        "CG02",
        "街面秩序",
        [8, 4, 1],
        &[("CG0201", "占道经营"), ("CG0202", "乱堆物堆料"), ("CG0203", "机动车乱停放"), ("CG0204", "非机动车乱停放")],
    ),
    ("CG03", "宣传广告", [16, 8, 2], &[("CG0301", "违规张贴小广告"), ("CG0302", "违规户外广告")]),
    ("CG04", "施工管理", [40, 16, 4], &[("CG0401", "施工扰民"), ("CG0402", "渣土运输撒漏"), ("CG0403", "违法建设")]),
    (
        "CG05",
        "公共设施",
        [24, 8, 2],
        &[("CG0501", "路灯损坏"), ("CG0502", "井盖缺失破损"), ("CG0503", "道路破损"), ("CG0504", "公厕设施损坏")],
    ),
    ("CG06", "园林绿化", [40, 16, 4], &[("CG0601", "绿地脏乱"), ("CG0602", "树木倒伏枯死")]),
    ("ZL01", "矛盾纠纷", [40, 16, 4], &[("ZL0101", "邻里纠纷"), ("ZL0102", "劳资纠纷"), ("ZL0103", "土地纠纷")]),
    (
        "ZL02",
        "安全生产",
        [16, 4, 1],
        &[("ZL0201", "消防安全隐患"), ("ZL0202", "危化品隐患"), ("ZL0203", "企业生产隐患")],
    ),
    ("ZL03", "生态环境", [24, 8, 2], &[("ZL0301", "河道污染"), ("ZL0302", "露天焚烧"), ("ZL0303", "噪声扰民")]),
    ("ZL04", "治安隐患", [16, 4, 1], &[("ZL0401", "治安隐患"), ("ZL0402", "流动人口管理")]),
    ("ZL05", "民生诉求", [40, 16, 8], &[("ZL0501", "信访投诉"), ("ZL0502", "政策咨询"), ("ZL0503", "困难帮扶")]),
    ("TF01", "突发事件", [4, 2, 1], &[("TF0101", "火灾"), ("TF0102", "道路积水"), ("TF0103", "交通事故")]),
];

/// Seeds the default tree where its codes are missing. Idempotent; runs at every start.
pub async fn ensure_categories(conn: &mut AsyncPgConnection) -> Result<(), AppError> {
    for (sort, (code, name, [normal, urgent, critical], children)) in DEFAULT_CATEGORIES.iter().enumerate() {
        let settings = |name| CategorySettings {
            name,
            active: true,
            hours_normal: *normal,
            hours_urgent: *urgent,
            hours_critical: *critical,
        };
        diesel::insert_into(event_categories::table)
            .values(NewCategory { parent_id: None, code, sort: sort as i32, settings: settings(name) })
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let parent: i32 = event_categories::table
            .filter(event_categories::code.eq(code))
            .select(event_categories::id)
            .first(conn)
            .await?;
        for (child_sort, (child_code, child_name)) in children.iter().enumerate() {
            diesel::insert_into(event_categories::table)
                .values(NewCategory {
                    parent_id: Some(parent),
                    code: child_code,
                    sort: child_sort as i32,
                    settings: settings(child_name),
                })
                .on_conflict_do_nothing()
                .execute(conn)
                .await?;
        }
    }
    Ok(())
}

/// The whole tree, parents before their children, in display order.
pub async fn categories(conn: &mut AsyncPgConnection) -> Result<Vec<Category>, AppError> {
    let rows: Vec<StoredCategory> = event_categories::table
        .order((event_categories::parent_id.is_not_null(), event_categories::sort, event_categories::id))
        .select(StoredCategory::as_select())
        .load(conn)
        .await?;
    let all: Vec<Category> = rows.into_iter().map(Category::from).collect();
    // Parents first, each followed by its children.
    let mut ordered = Vec::with_capacity(all.len());
    for parent in all.iter().filter(|c| c.parent_id.is_none()) {
        ordered.push(parent.clone());
        ordered.extend(all.iter().filter(|c| c.parent_id == Some(parent.id)).cloned());
    }
    Ok(ordered)
}

pub async fn category_by_id(conn: &mut AsyncPgConnection, id: i32) -> Result<Category, AppError> {
    let row: StoredCategory = event_categories::table
        .find(id)
        .select(StoredCategory::as_select())
        .first(conn)
        .await
        .optional()?
        .ok_or_else(|| AppError::field("category_id", ErrorCode::EventCategoryUnknown))?;
    Ok(row.into())
}

/// A category edit: name, active flag and deadlines (working hours per priority).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, Default)]
pub struct CategoryForm {
    pub id: Option<i32>,
    pub parent_id: Option<i32>,
    pub code: String,
    pub name: String,
    pub active: bool,
    pub hours_normal: i32,
    pub hours_urgent: i32,
    pub hours_critical: i32,
}

fn hours_check(hours: i32) -> Result<(), ErrorCode> {
    if (1..=2000).contains(&hours) { Ok(()) } else { Err(ErrorCode::CategoryHours) }
}

/// Creates or updates a category.
pub async fn save_category(
    conn: &mut AsyncPgConnection,
    user: &SessionUser,
    form: &CategoryForm,
) -> Result<i32, AppError> {
    if !user.can(codes::EVENTS_CONFIGURE) {
        return Err(AppError::Forbidden);
    }
    let name = form.name.trim();
    let code = form.code.trim();
    let mut v = Validator::new();
    v.check("name", if name.is_empty() || name.chars().count() > 20 { Err(ErrorCode::CategoryName) } else { Ok(()) });
    if form.id.is_none() {
        v.check(
            "code",
            if code.is_empty() || code.len() > 12 || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
                Err(ErrorCode::CategoryCode)
            } else {
                Ok(())
            },
        );
    }
    v.check("hours_normal", hours_check(form.hours_normal));
    v.check("hours_urgent", hours_check(form.hours_urgent));
    v.check("hours_critical", hours_check(form.hours_critical));
    v.finish()?;
    let settings = CategorySettings {
        name,
        active: form.active,
        hours_normal: form.hours_normal,
        hours_urgent: form.hours_urgent,
        hours_critical: form.hours_critical,
    };
    let id = match form.id {
        Some(id) => {
            let updated = diesel::update(event_categories::table.find(id)).set(&settings).execute(conn).await?;
            if updated == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let taken: i64 =
                event_categories::table.filter(event_categories::code.eq(code)).count().get_result(conn).await?;
            if taken > 0 {
                return Err(AppError::field("code", ErrorCode::CategoryCodeTaken));
            }
            // `sort` 0 is the column's default: the form does not order categories.
            diesel::insert_into(event_categories::table)
                .values(NewCategory { parent_id: form.parent_id, code, sort: 0, settings })
                .returning(event_categories::id)
                .get_result(conn)
                .await?
        }
    };
    crate::audit::service::record(
        conn,
        user.township_id,
        Some(user.id),
        &user.display_name,
        AuditAction::SaveCategory,
        code,
        name,
    )
    .await?;
    Ok(id)
}

pub async fn departments(conn: &mut AsyncPgConnection, township_id: i32) -> Result<Vec<Department>, AppError> {
    let rows: Vec<StoredDepartment> = departments::table
        .filter(departments::township_id.eq(township_id))
        .order(departments::id)
        .select(StoredDepartment::as_select())
        .load(conn)
        .await?;
    Ok(rows.into_iter().map(Department::from).collect())
}

/// Staff who handle events (department handlers, village staff, grid workers) in the
/// township, for the dispatcher's "assign to a person".
pub async fn assignees(conn: &mut AsyncPgConnection, user: &SessionUser) -> Result<Vec<Assignee>, AppError> {
    if !user.can(codes::EVENTS_DISPATCH) {
        return Err(AppError::Forbidden);
    }
    Ok(crate::accounts::service::handlers::handlers_with(conn, user.township_id, codes::EVENTS_HANDLE)
        .await?
        .into_iter()
        .map(|h| Assignee { id: h.id, name: h.name, department_id: h.department_id, role: h.role })
        .collect())
}
