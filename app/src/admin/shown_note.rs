//! The secret a form just made (an API key, a temporary password), shown once on its page:
//! with JavaScript it is the action's answer; without, the page the redirect opens fetches it
//! by the one-time note in its URL (`shown_once` keeps it on the server), and a reload of that
//! page says it was shown already.

use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::AppError;

use crate::i18n::use_locale;
use crate::wire::resource;

#[component]
pub fn ShownOnce<T, Fut, V>(
    /// The action's answer, with JavaScript.
    #[prop(into)]
    answer: Signal<Option<T>>,
    /// The URL parameter holding the note.
    param: &'static str,
    /// The server function that hands the noted secret out.
    fetch: fn(String) -> Fut,
    /// The text key said when the note was read already or is stale.
    expired: &'static str,
    show: fn(T) -> V,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<Option<T>, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let locale = use_locale();
    let query = leptos_router::hooks::use_query_map();
    let noted = resource(
        move || query.read().get(param),
        move |note| async move {
            match note {
                Some(note) => fetch(note).await,
                None => Ok(None),
            }
        },
    );
    view! {
        {move || answer.get().map(show)}
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match noted.await {
                    Ok(Some(secret)) => show(secret).into_any(),
                    Ok(None) if query.read().get(param).is_some() => {
                        view! { <p class="alert alert-error" role="alert">{locale.t(expired)}</p> }.into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}
