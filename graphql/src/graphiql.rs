//! GraphiQL, served whole from the binary so that it works where there is no internet: our page on
//! `GET /graphql` and the vendored React, ReactDOM and GraphiQL builds (`assets/graphiql/`, whose
//! README says where each comes from) on `GET /assets/graphiql/<name>.<fingerprint>.<ext>`. The
//! fingerprint is a hash of the file's bytes, so an updated file gets a new address and browsers
//! may keep each one for good.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::json;

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// The vendored files: name, content type, bytes.
const FILES: [(&str, &str, &[u8]); 4] = [
    (
        "react.production.min.js",
        JS,
        include_bytes!("../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        JS,
        include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    ),
    (
        "graphiql.min.js",
        JS,
        include_bytes!("../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        CSS,
        include_bytes!("../assets/graphiql/graphiql.min.css"),
    ),
];

/// The page: `{{file}}` stands for the address of vendored `file`. The fetcher sends the header
/// editor's headers with every POST to `/graphql` and puts them in the `connection_init` payload
/// of subscriptions on `/graphql/ws` (`graphql-transport-ws`); headers are not stored in the
/// browser, so a token does not outlive the tab.
const TEMPLATE: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>Mandate · GraphiQL</title>
<link rel="stylesheet" href="{{graphiql.min.css}}">
<style>html, body, #graphiql { height: 100%; margin: 0; overflow: hidden; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<noscript>GraphiQL needs JavaScript. The API itself is POST /graphql.</noscript>
<script src="{{react.production.min.js}}"></script>
<script src="{{react-dom.production.min.js}}"></script>
<script src="{{graphiql.min.js}}"></script>
<script>
(function () {
  var subscriptions = new URL('/graphql/ws', window.location.href);
  subscriptions.protocol = subscriptions.protocol === 'https:' ? 'wss:' : 'ws:';
  var fetcher = GraphiQL.createFetcher({
    url: '/graphql',
    subscriptionUrl: subscriptions.href,
  });
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(
      GraphiQL,
      {
        fetcher: fetcher,
        defaultQuery: [
          '# Put your token in the Headers tab below,',
          '# reload the schema (the circular arrows,',
          '# bottom left), then run the query.',
          'query Me {',
          '  viewer {',
          '    email',
          '    role',
          '    institution { code name }',
          '  }',
          '}',
          '',
        ].join('\n'),
        defaultHeaders: '{\n  "Authorization": "Bearer <token>"\n}',
        defaultEditorToolsVisibility: 'headers',
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: false,
      },
      React.createElement(GraphiQL.Logo, null, 'Mandate'),
    ),
  );
})();
</script>
</body>
</html>
"#;

struct Asset {
    /// The address's last segment: `graphiql.min.<fingerprint>.js`.
    name: String,
    file: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// 64-bit FNV-1a: stable across builds and platforms, unlike std's hashers.
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(file, content_type, bytes)| {
            let (stem, ext) = file
                .rsplit_once('.')
                .expect("a file name with an extension");
            Asset {
                name: format!("{stem}.{}.{ext}", fingerprint(bytes)),
                file,
                content_type,
                bytes,
            }
        })
        .collect()
});

static PAGE: LazyLock<String> = LazyLock::new(|| {
    ASSETS.iter().fold(TEMPLATE.to_owned(), |page, asset| {
        page.replace(
            &format!("{{{{{}}}}}", asset.file),
            &format!("/assets/graphiql/{}", asset.name),
        )
    })
});

/// `GET /graphql`: the GraphiQL page, re-read on every visit (it names the current assets).
pub(crate) async fn page() -> Response {
    ([(header::CACHE_CONTROL, "no-cache")], Html(PAGE.as_str())).into_response()
}

/// `GET /assets/graphiql/{name}`: a vendored file, by its fingerprinted name.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => (
            [
                (header::CONTENT_TYPE, asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            asset.bytes,
        )
            .into_response(),
        None => {
            let body = json!({ "errors": [{
                "message": "no such asset: GraphiQL is at /graphql",
                "extensions": { "code": "NOT_FOUND" },
            }] });
            (StatusCode::NOT_FOUND, axum::Json(body)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_by_its_fingerprint() {
        assert!(!PAGE.contains("{{"), "a placeholder is left:\n{}", *PAGE);
        for asset in ASSETS.iter() {
            assert!(PAGE.contains(&format!("\"/assets/graphiql/{}\"", asset.name)));
        }
        assert_eq!(fingerprint(b""), "cbf29ce484222325");
        assert_eq!(fingerprint(b"a"), "af63dc4c8601ec8c");
    }
}
