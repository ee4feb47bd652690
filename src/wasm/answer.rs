//! HTTP answers to refusals in JavaScript (`refusalFor`): the mapping of [`Refusal`], used by
//! `guard()` and the framework middlewares; and the path under a mount's base path (`pathUnderBase`).

use wasm_bindgen::prelude::*;

use super::args::{flag_arg, get, optional_string_arg, scopes_arg, string_arg};
use super::to_plain;
use crate::{path_under_base, AnswerOptions, Decision, Error, ErrorCode, Reason, Refusal};

fn answer_options(options: &JsValue) -> Result<AnswerOptions, JsValue> {
    Ok(AnswerOptions {
        realm: optional_string_arg("realm", &get(options, "realm")?)?,
        detailed: flag_arg("detailedErrors", &get(options, "detailedErrors")?)?,
    })
}

/// The answer to an error with this `code` and `message` (an unknown code answers as an invalid
/// token).
#[wasm_bindgen(js_name = refusalForError)]
pub fn refusal_for_error(
    code: JsValue,
    message: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let code = string_arg("code", &code)?;
    let code = ErrorCode::ALL
        .iter()
        .copied()
        .find(|c| c.as_str() == code)
        .unwrap_or(ErrorCode::MalformedToken);
    let error = Error::new(code, string_arg("message", &message)?);
    to_plain(&Refusal::for_error(&error, &answer_options(&options)?))
}

/// The answer to a decision, given as the plain object `decide` returns (`null` when allowed).
#[wasm_bindgen(js_name = refusalForDecision)]
pub fn refusal_for_decision(decision: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let reason = string_arg("decision.reason", &get(&decision, "reason")?)?;
    let Some(reason) = Reason::ALL.iter().copied().find(|r| r.as_str() == reason) else {
        return Err(super::args::invalid_argument(
            "decision.reason",
            "a decision's reason",
            &JsValue::from_str(&reason),
        ));
    };
    let missing = scopes_arg("decision.missing", &get(&decision, "missing")?)?;
    let decision = Decision {
        allowed: reason == Reason::Allowed,
        reason,
        rule: optional_string_arg("decision.rule", &get(&decision, "rule")?)?.map(Into::into),
        missing,
        data: None,
        params: Default::default(),
        challenge: optional_string_arg("decision.challenge", &get(&decision, "challenge")?)?,
    };
    match Refusal::for_decision(&decision, &answer_options(&options)?) {
        Some(refusal) => to_plain(&refusal),
        None => Ok(JsValue::NULL),
    }
}

/// The path a service mounted at `base` decides for the request path `path`, or `null` when
/// `path` is outside `base` ([`path_under_base`]); throws `invalid_argument` for a bad `base`.
#[wasm_bindgen(js_name = pathUnderBase)]
pub fn path_under_base_js(path: JsValue, base: JsValue) -> Result<JsValue, JsValue> {
    let path = string_arg("path", &path)?;
    let base = string_arg("basePath", &base)?;
    match path_under_base(&path, &base) {
        Ok(Some(under)) => Ok(JsValue::from_str(under)),
        // `null`, not the `undefined` wasm-bindgen makes of `None`.
        Ok(None) => Ok(JsValue::NULL),
        Err(error) => Err(super::to_js_error(&error)),
    }
}

/// The answer to a request no rule covers (a path outside the mount's base path):
/// [`Refusal::for_no_matching_rule`].
#[wasm_bindgen(js_name = refusalNoMatchingRule)]
pub fn refusal_no_matching_rule(options: JsValue) -> Result<JsValue, JsValue> {
    to_plain(&Refusal::for_no_matching_rule(&answer_options(&options)?))
}
