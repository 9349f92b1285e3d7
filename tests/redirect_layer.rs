//! Runs the `redirect_layer` example's scenario: xhttp's public `RedirectLayer` around
//! a plain hyper-util client follows a redirect from a testkit server.

#[allow(dead_code)] // the example's `main` is not called here
#[path = "../examples/redirect_layer.rs"]
mod example;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_redirect_layer_follows_with_a_hyper_util_client() {
    let outcome = example::follow_with_hyper_util().await.unwrap();
    assert_eq!(outcome.status, xhttp::StatusCode::OK);
    assert_eq!(outcome.body, "arrived at /new");
    assert_eq!(outcome.history.len(), 1);
    assert!(
        outcome.history[0].ends_with("/old"),
        "{:?}",
        outcome.history
    );
    assert!(outcome.url.ends_with("/new"), "{}", outcome.url);
}
