//! The domain's enums in the OpenAPI document: a string with its allowed values, taken from
//! the enum itself so the document cannot drift from what the server accepts. Request fields
//! keep their text on the wire (so an unknown value is a field-level 422 like every other
//! invalid input) and name these types as their `value_type`.

use salvo::oapi::schema::{BasicType, Object, Schema};
use salvo::oapi::{Components, ComposeSchema, RefOr, ToSchema};

use crate::domain::education::EducationLevel;
use crate::domain::org::OrgKind;
use crate::domain::outbox::SmsStatus;
use crate::domain::role::Role;
use crate::domain::task::{TaskKind, TaskStatus};

fn string_enum(values: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    Object::new()
        .schema_type(BasicType::String)
        .enum_values(values)
        .into()
}

macro_rules! enum_schema {
    ($ty:ty) => {
        impl ToSchema for $ty {
            fn to_schema(_components: &mut Components) -> RefOr<Schema> {
                string_enum(<$ty>::ALL.into_iter().map(<$ty>::as_str))
            }
        }

        impl ComposeSchema for $ty {
            fn compose(
                _components: &mut Components,
                _generics: Vec<RefOr<Schema>>,
            ) -> RefOr<Schema> {
                string_enum(<$ty>::ALL.into_iter().map(<$ty>::as_str))
            }
        }
    };
}

enum_schema!(Role);
enum_schema!(SmsStatus);
enum_schema!(TaskKind);
enum_schema!(TaskStatus);
enum_schema!(OrgKind);
enum_schema!(EducationLevel);
