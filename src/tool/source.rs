//! Where a JSON pointer sits in a JSON file, as a line and column, so a problem in a policy file
//! can be shown at its place (`policy.json:12:7`).

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::common::Ranged;
use jsonc_parser::{CollectOptions, ParseOptions};

/// A place in a text file: 1-based line and column (the column counts characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub column: usize,
}

/// Where the value at `pointer` (RFC 6901) starts in the JSON `text`: for a member of an object,
/// where its key starts. The deepest existing value on the way when the pointer goes further
/// than the document (a missing field is shown at its object). `None` when `text` is not JSON.
///
/// ```
/// use scopegate::tool::source::{locate, Location};
/// let text = "{\n  \"rules\": [\n    {\"id\": \"a\"}\n  ]\n}";
/// assert_eq!(locate(text, "/rules/0/id"), Some(Location { line: 3, column: 6 }));
/// assert_eq!(locate(text, "/rules/0/methods"), Some(Location { line: 3, column: 5 }));
/// ```
pub fn locate(text: &str, pointer: &str) -> Option<Location> {
    let options = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
    };
    let parsed = jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &options).ok()?;
    let mut value = parsed.value.as_ref()?;
    let mut offset = value.range().start;
    let tokens = pointer.split('/').skip(1);
    for token in tokens {
        let token = token.replace("~1", "/").replace("~0", "~");
        let next = match value {
            Value::Object(object) => object.properties.iter().find_map(|prop| {
                let name = match &prop.name {
                    ObjectPropName::String(s) => s.value.as_ref(),
                    ObjectPropName::Word(w) => w.value,
                };
                (name == token).then_some((prop.range.start, &prop.value))
            }),
            Value::Array(array) => token
                .parse::<usize>()
                .ok()
                .and_then(|i| array.elements.get(i))
                .map(|element| (element.range().start, element)),
            _ => None,
        };
        let Some((start, inner)) = next else {
            break;
        };
        offset = start;
        value = inner;
    }
    Some(location_of(text, offset))
}

/// The line and column of a byte offset.
pub fn location_of(text: &str, offset: usize) -> Location {
    let before = text.get(..offset).unwrap_or(text);
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Location {
        line: before.matches('\n').count() + 1,
        column: before.get(line_start..).map_or(0, |l| l.chars().count()) + 1,
    }
}
