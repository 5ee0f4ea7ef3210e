//! Facts about the caller taken from the request: client address for the audit log.

use salvo::Request;

use crate::service::RequestMeta;

pub fn request_meta(req: &Request, trust_forwarded_for: bool) -> RequestMeta {
    let forwarded = trust_forwarded_for
        .then(|| req.header::<String>("x-forwarded-for"))
        .flatten()
        .and_then(|value| value.split(',').next().map(|ip| ip.trim().to_string()))
        .filter(|ip| !ip.is_empty());
    let ip = forwarded.or_else(|| {
        req.remote_addr()
            .clone()
            .into_std()
            .map(|addr| addr.ip().to_string())
    });
    RequestMeta { ip }
}
