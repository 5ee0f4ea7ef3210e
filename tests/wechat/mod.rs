mod binding;
mod callback;
mod client;
mod commands;
mod follow;
mod login;
mod password_reset;
mod tools;
