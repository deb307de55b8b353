//! An outgoing document (发文) printed as GB/T 9704—2012 lays out 党政机关公文: on A4 with
//! the 版心 of 156 × 225 mm (天头 37 mm, 订口 28 mm), 22 lines of 28 characters in 3号仿宋.
//! 版头: 份号, 密级和保密期限, 紧急程度 at the top left, the red 发文机关标志, the 发文字号
//! (with the 签发人 on the right for a 请示 or 报告, which go upward) and the red line under
//! them; 主体: the 标题 in 2号小标宋, the 主送机关, the 正文 with its paragraphs indented two
//! characters, the 附件 count, the 发文机关署名 and the 成文日期 (Arabic numerals, no leading
//! zeros) under the 印章 once the document has been sealed; 版记: 抄送, and the 印发机关 and
//! 印发日期 between rules. Fonts fall back to the Noto CJK faces the server installs.

use chrono::Datelike;
use leptos::prelude::*;
use shared::engine::{Record, Value};

use crate::engine::Meta;
use crate::engine::texts::display_any;
use crate::i18n::use_locale;

/// The states in which the document bears its seal (用印 done).
const SEALED: &[&str] = &["sealed", "distributed", "archived"];
/// Document types that go upward and so name their 签发人 beside the number.
const UPWARD: &[&str] = &["request", "report"];

/// `2026年11月8日` (GB/T 9704—2012 7.3.5.1).
fn chinese_date(value: Option<&Value>) -> Option<String> {
    match value {
        Some(Value::Date(date)) => Some(format!("{}年{}月{}日", date.year(), date.month(), date.day())),
        _ => None,
    }
}

#[component]
pub fn OfficialDocument(meta: Meta, record: Record) -> impl IntoView {
    let locale = use_locale();
    // A field the document leaves empty prints nothing (not the list's dash).
    let present = |name: &str| match record.values.get(name) {
        None => false,
        Some(Value::Text(text)) => !text.trim().is_empty(),
        Some(Value::Ids(ids)) => !ids.is_empty(),
        Some(Value::Codes(codes)) => !codes.is_empty(),
        Some(_) => true,
    };
    let text = |name: &str| {
        if !present(name) {
            return None;
        }
        meta.fields
            .iter()
            .find(|field| field.name == name)
            .map(|field| display_any(locale, field, &record.values, &record.labels, &record.extra))
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let code = |name: &str| match record.values.get(name) {
        Some(Value::Code(code)) => Some(code.clone()),
        _ => None,
    };
    let issuer_mark = text("issuer_mark").unwrap_or_default();
    // The 发文机关署名 is the organ's name: its mark without the word 文件.
    let issuer = issuer_mark.strip_suffix("文件").unwrap_or(&issuer_mark).to_owned();
    let secrecy = text("classification").map(|level| match text("secrecy_period") {
        Some(period) => format!("{level}★{period}"),
        None => level,
    });
    let signer = code("document_type")
        .filter(|kind| UPWARD.contains(&kind.as_str()))
        .and(text("signer"))
        .map(|signer| view! { <span class="gw-signer">"签发人："<span class="gw-signer-name">{signer}</span></span> });
    let number = record.number.clone();
    let upward = signer.is_some();
    let recipients = text("main_recipients");
    // The body's paragraphs; a first line that only repeats the 主送机关 is not printed twice.
    let body = text("body").unwrap_or_default();
    let salutation = recipients.as_ref().map(|recipients| format!("{recipients}："));
    let paragraphs: Vec<String> = body
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .enumerate()
        .filter(|(index, line)| !(*index == 0 && salutation.as_deref() == Some(*line)))
        .map(|(_, line)| line.to_owned())
        .collect();
    let attachments = match record.values.get("attachments") {
        Some(Value::Ids(ids)) if !ids.is_empty() => Some(ids.len()),
        _ => None,
    };
    let sealed = record.state.as_deref().is_some_and(|state| SEALED.contains(&state));
    let written = chinese_date(record.values.get("written_on"));
    let printed_on = chinese_date(record.values.get("printed_on"));
    let printed_by = text("printed_by");
    let copied = text("copied_to");
    let seal_name = issuer.clone();
    view! {
        <article class="gw-page" data-testid="official-document" aria-label=text("title").unwrap_or_default()>
            <header class="gw-head">
                <div class="gw-marks">
                    {text("copy_number").map(|copy| view! { <p class="gw-copy">{copy}</p> })}
                    {secrecy.map(|secrecy| view! { <p class="gw-secrecy">{secrecy}</p> })}
                    {text("urgency").map(|urgency| view! { <p class="gw-urgency">{urgency}</p> })}
                </div>
                <p class="gw-issuer" data-testid="gw-issuer">{issuer_mark.clone()}</p>
                <p class="gw-number" class:gw-number-upward=upward>
                    <span data-testid="gw-number">{number}</span>
                    {signer}
                </p>
                <hr class="gw-red-line" />
            </header>
            <section class="gw-main">
                <h1 class="gw-title">{text("title")}</h1>
                {recipients.map(|recipients| view! { <p class="gw-recipients">{recipients}"："</p> })}
                <div class="gw-text">
                    {paragraphs.into_iter().map(|paragraph| view! { <p>{paragraph}</p> }).collect_view()}
                </div>
                {attachments.map(|count| view! { <p class="gw-attachments">{format!("附件：共{count}件")}</p> })}
                <div class="gw-signature">
                    <p>{issuer}</p>
                    <p data-testid="gw-date">{written}</p>
                    {sealed.then(|| view! { <Seal name=seal_name /> })}
                </div>
            </section>
            <footer class="gw-record">
                {copied.map(|copied| view! { <p class="gw-cc">"抄送："{copied}"。"</p> })}
                <p class="gw-printed">
                    <span>{printed_by}</span>
                    <span>{printed_on.map(|date| format!("{date}印发"))}</span>
                </p>
            </footer>
        </article>
    }
}

/// The red round seal over the date: the organ's name along the top of the ring, a star in
/// the middle. A picture of where the seal goes, not a seal: the real one is pressed on paper.
#[component]
fn Seal(name: String) -> impl IntoView {
    view! {
        <svg class="gw-seal" viewBox="0 0 120 120" role="img" aria-label=format!("{name}（印）") data-testid="gw-seal">
            <defs>
                <path id="gw-seal-arc" d="M 22 64 A 40 40 0 1 1 98 64" />
            </defs>
            <circle cx="60" cy="60" r="56" fill="none" stroke="currentColor" stroke-width="4" />
            <text font-size="13" fill="currentColor" text-anchor="middle">
                <textPath href="#gw-seal-arc" startOffset="50%">{name.clone()}</textPath>
            </text>
            <text x="60" y="74" font-size="40" fill="currentColor" text-anchor="middle">"★"</text>
        </svg>
    }
}
