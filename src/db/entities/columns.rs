//! How domain values are stored: enums as the text of their `as_str`, lists as JSON text.
//! The domain type is the column type, so the stored strings have one source (the domain's
//! `as_str`), and decoding a value the domain does not know is an error: a corrupt row fails
//! the query instead of turning into a default. The columns stay `TEXT`/`VARCHAR`, the same on
//! SQLite, PostgreSQL and MySQL, so no migration is needed.

use sea_orm::sea_query::{
    ArrayType, ColumnType, Nullable, StringLen, Value, ValueType, ValueTypeErr,
};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::org::OrgKind;
use crate::domain::outbox::{LookupStatus, SmsStatus};
use crate::domain::push::{JobKind, JobStatus};
use crate::domain::role::Role;
use crate::domain::task::{TaskKind, TaskStatus};

fn unknown(column: &str, value: &str) -> DbErr {
    DbErr::Type(format!("unknown {column} {value:?} stored"))
}

/// Text columns holding one variant of a domain enum, written and read through `as_str`.
macro_rules! text_enum {
    ($ty:ty, $column:literal) => {
        impl $ty {
            fn from_stored(value: &str) -> Result<Self, DbErr> {
                <$ty>::ALL
                    .into_iter()
                    .find(|v| v.as_str() == value)
                    .ok_or_else(|| unknown($column, value))
            }
        }

        impl From<$ty> for Value {
            fn from(value: $ty) -> Value {
                Value::String(Some(Box::new(value.as_str().to_owned())))
            }
        }

        impl TryGetable for $ty {
            fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
                let text = String::try_get_by(res, index)?;
                Self::from_stored(&text).map_err(TryGetError::DbErr)
            }
        }

        impl ValueType for $ty {
            fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
                match value {
                    Value::String(Some(text)) => Self::from_stored(&text).map_err(|_| ValueTypeErr),
                    _ => Err(ValueTypeErr),
                }
            }

            fn type_name() -> String {
                stringify!($ty).to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $ty {
            fn null() -> Value {
                Value::String(None)
            }
        }
    };
}

text_enum!(Role, "role");
text_enum!(TaskKind, "task kind");
text_enum!(TaskStatus, "task status");
text_enum!(OrgKind, "org unit kind");
text_enum!(JobKind, "push job kind");
text_enum!(JobStatus, "push job status");
text_enum!(SmsStatus, "SMS status");
text_enum!(LookupStatus, "follower lookup status");

/// A value stored as JSON in a text column. A row whose text does not parse as `T` fails to
/// load (it never becomes `T::default()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JsonText<T>(pub T);

fn json_of<T: Serialize>(value: &T) -> Value {
    // Serialising the lists stored here cannot fail; if it ever did, NULL in a NOT NULL
    // column makes the write fail rather than store something else.
    Value::String(serde_json::to_string(value).ok().map(Box::new))
}

fn parse_json<T: DeserializeOwned>(text: &str) -> Result<T, DbErr> {
    serde_json::from_str(text)
        .map_err(|error| DbErr::Type(format!("stored JSON {text:?}: {error}")))
}

impl<T: Serialize> From<JsonText<T>> for Value {
    fn from(value: JsonText<T>) -> Value {
        json_of(&value.0)
    }
}

impl<T: DeserializeOwned> TryGetable for JsonText<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        parse_json(&text).map(JsonText).map_err(TryGetError::DbErr)
    }
}

impl<T: DeserializeOwned> ValueType for JsonText<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        match value {
            Value::String(Some(text)) => parse_json(&text).map(JsonText).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "JsonText".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::Text
    }
}

impl<T> Nullable for JsonText<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::education::EducationLevel;

    #[test]
    fn every_variant_reads_back_and_unknown_text_is_refused() {
        for role in Role::ALL {
            assert_eq!(<Role as ValueType>::try_from(role.into()).ok(), Some(role));
        }
        for kind in TaskKind::ALL {
            assert_eq!(
                <TaskKind as ValueType>::try_from(kind.into()).ok(),
                Some(kind)
            );
        }
        for status in TaskStatus::ALL {
            assert_eq!(
                <TaskStatus as ValueType>::try_from(status.into()).ok(),
                Some(status)
            );
        }
        let garbage = || Value::String(Some(Box::new("superuser".to_owned())));
        assert!(<Role as ValueType>::try_from(garbage()).is_err());
        assert!(<TaskKind as ValueType>::try_from(garbage()).is_err());
        assert!(<TaskStatus as ValueType>::try_from(garbage()).is_err());
        fn round_trip<T>(all: impl IntoIterator<Item = T>)
        where
            T: ValueType + Into<Value> + Copy + PartialEq + std::fmt::Debug,
        {
            for value in all {
                assert_eq!(<T as ValueType>::try_from(value.into()).ok(), Some(value));
            }
            let garbage = Value::String(Some(Box::new("queud".to_owned())));
            assert!(<T as ValueType>::try_from(garbage).is_err());
        }
        round_trip(OrgKind::ALL);
        round_trip(JobKind::ALL);
        round_trip(JobStatus::ALL);
        round_trip(SmsStatus::ALL);
        round_trip(LookupStatus::ALL);
        // A label is what people read, never what is stored.
        let label = Value::String(Some(Box::new(TaskKind::JobFair.label().to_owned())));
        assert!(<TaskKind as ValueType>::try_from(label).is_err());
    }

    #[test]
    fn json_text_refuses_what_does_not_parse() {
        let levels = JsonText(vec![EducationLevel::Master]);
        let stored: Value = levels.clone().into();
        assert_eq!(
            <JsonText<Vec<EducationLevel>> as ValueType>::try_from(stored).ok(),
            Some(levels)
        );
        for corrupt in ["", "[1,", "[\"postdoc\"]", "{}"] {
            let value = Value::String(Some(Box::new(corrupt.to_owned())));
            assert!(<JsonText<Vec<EducationLevel>> as ValueType>::try_from(value).is_err());
        }
    }
}
