//! Policy tooling (feature `tooling`), the library behind the `scopegate` command line:
//! [`lint`] (what a reviewer would flag), [`cases`] (policy test files), [`routes`] (the
//! endpoints × scopes table), [`source`] (where a JSON pointer sits in a file) and [`openapi`]
//! (OpenAPI import and drift checks).

pub mod cases;
pub mod lint;
pub mod openapi;
pub mod routes;
pub mod source;
