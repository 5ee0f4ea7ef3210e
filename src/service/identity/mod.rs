//! Who someone is: password login and sessions with their throttle, the WeChat identities bound
//! to an account, and the official account's followers.

pub mod auth;
pub mod bind_steps;
pub mod binding;
pub mod chat_sender;
pub mod followers;
pub mod login_throttle;
pub mod mini_link;
pub mod mini_login;
pub mod password_reset;
pub mod profiles;
