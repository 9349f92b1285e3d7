//! Concurrent load for the interop tests: bounded in tasks and requests.

use xhttp::AsyncClient;

/// `tasks` tasks each GET `url` `each` times, every answer a 100-byte body; panics on the
/// first failure.
pub(crate) async fn get_concurrently(client: &AsyncClient, url: &str, tasks: usize, each: usize) {
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let client = client.clone();
            let url = url.to_owned();
            tokio::spawn(async move {
                for _ in 0..each {
                    let response = client.get(&url).send().await?;
                    assert_eq!(response.content()?.len(), 100);
                }
                Ok::<_, xhttp::Error>(())
            })
        })
        .collect();
    for handle in handles {
        handle
            .await
            .expect("the task ran")
            .expect("every request succeeds");
    }
}
