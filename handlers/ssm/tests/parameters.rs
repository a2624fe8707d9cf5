//! Parameter Store behaviour through the typed handler.

use ferrostack_runtime as rt;
use ssm_api::error::*;
use ssm_api::types::*;
use ssm_api::Handler as _;
use ssm_handler::Handler;

fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal("000000000000", "us-east-1")
}

fn put_req(name: &str, value: &str, t: ParameterType) -> PutParameterRequest {
    PutParameterRequest { name: name.into(), value: value.into(), r#type: Some(t), ..Default::default() }
}

async fn put(h: &Handler, name: &str, value: &str) -> i64 {
    h.put_parameter(&ctx(), put_req(name, value, ParameterType::String)).await.unwrap().version
}

async fn get(h: &Handler, name: &str, decrypt: bool) -> Result<Parameter, GetParameterError> {
    h.get_parameter(&ctx(), GetParameterRequest { name: name.into(), with_decryption: Some(decrypt) })
        .await
        .map(|r| r.parameter.unwrap())
}

fn validation<E: std::fmt::Debug>(e: E) -> String {
    let text = format!("{e:?}");
    assert!(text.contains("Validation("), "expected ValidationException, got {text}");
    text
}

#[tokio::test]
async fn put_and_get() {
    let h = Handler::default();
    let out = h.put_parameter(&ctx(), put_req("/app/db/host", "db.local", ParameterType::String)).await.unwrap();
    assert_eq!(out.version, 1);
    assert_eq!(out.tier, Some(ParameterTier::Standard));
    let p = get(&h, "/app/db/host", false).await.unwrap();
    assert_eq!(p.name.as_deref(), Some("/app/db/host"));
    assert_eq!(p.value.as_deref(), Some("db.local"));
    assert_eq!(p.version, 1);
    assert_eq!(p.r#type, Some(ParameterType::String));
    assert_eq!(p.data_type.as_deref(), Some("text"));
    assert_eq!(p.arn.as_deref(), Some("arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host"));
    assert_eq!(p.selector, None);
    assert!(p.last_modified_date.is_some());

    put(&h, "plain", "v").await;
    let p = get(&h, "plain", false).await.unwrap();
    assert_eq!(p.arn.as_deref(), Some("arn:aws:ssm:us-east-1:000000000000:parameter/plain"));
    // By ARN too.
    let by_arn = get(&h, "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host", false).await.unwrap();
    assert_eq!(by_arn.name.as_deref(), Some("/app/db/host"));
}

#[tokio::test]
async fn overwrite_semantics() {
    let h = Handler::default();
    put(&h, "/x", "one").await;
    match h.put_parameter(&ctx(), put_req("/x", "two", ParameterType::String)).await.unwrap_err() {
        PutParameterError::ParameterAlreadyExists(e) => assert_eq!(
            e.message.as_deref(),
            Some("The parameter already exists. To overwrite this value, set the overwrite option in the request to true.")
        ),
        other => panic!("{other:?}"),
    }
    // Overwrite without a type keeps the type; versions count up.
    let v = h
        .put_parameter(
            &ctx(),
            PutParameterRequest { name: "/x".into(), value: "two".into(), overwrite: Some(true), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(v.version, 2);
    let p = get(&h, "/x", false).await.unwrap();
    assert_eq!((p.value.as_deref(), p.version, p.r#type), (Some("two"), 2, Some(ParameterType::String)));
    // Creating needs a type.
    let msg = validation(
        h.put_parameter(&ctx(), PutParameterRequest { name: "/new".into(), value: "v".into(), ..Default::default() })
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("A parameter type is required when you create a parameter."), "{msg}");
    // Tags and overwrite don't mix.
    let msg = validation(
        h.put_parameter(
            &ctx(),
            PutParameterRequest {
                overwrite: Some(true),
                tags: Some(vec![Tag { key: "k".into(), value: "v".into() }]),
                ..put_req("/x", "three", ParameterType::String)
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(msg.contains("tags and overwrite can't be used together"), "{msg}");
    // Deleting and recreating starts again at version 1.
    h.delete_parameter(&ctx(), DeleteParameterRequest { name: "/x".into() }).await.unwrap();
    assert_eq!(put(&h, "/x", "again").await, 1);
}

#[tokio::test]
async fn name_rules() {
    let h = Handler::default();
    for bad in ["a/b", "/a//b", "/has space", "/bad@char", "/a/"] {
        let msg = validation(h.put_parameter(&ctx(), put_req(bad, "v", ParameterType::String)).await.unwrap_err());
        assert!(msg.contains("can't be prefixed with"), "{bad}: {msg}");
    }
    for reserved in ["awsthing", "/AWS/x", "ssm-param", "/SsM"] {
        let err = h.put_parameter(&ctx(), put_req(reserved, "v", ParameterType::String)).await.unwrap_err();
        assert!(matches!(err, PutParameterError::Common(rt::CommonError::AccessDenied(_))), "{reserved}: {err:?}");
    }
    let deep = "/l".repeat(16);
    let err = h.put_parameter(&ctx(), put_req(&deep, "v", ParameterType::String)).await.unwrap_err();
    assert!(matches!(err, PutParameterError::HierarchyLevelLimitExceededException(_)), "{err:?}");
    assert!(h.put_parameter(&ctx(), put_req(&"/l".repeat(15), "v", ParameterType::String)).await.is_ok());
    // 1011 characters, counting the ARN in front of the name.
    let prefix = "arn:aws:ssm:us-east-1:000000000000:parameter/".len();
    let fits = format!("/{}", "n".repeat(1011 - prefix));
    assert!(h.put_parameter(&ctx(), put_req(&fits, "v", ParameterType::String)).await.is_ok());
    let too_long = format!("/{}", "n".repeat(1012 - prefix));
    validation(h.put_parameter(&ctx(), put_req(&too_long, "v", ParameterType::String)).await.unwrap_err());
    // Reads of malformed names are validation errors, missing ones ParameterNotFound.
    validation(get(&h, "a/b", false).await.unwrap_err());
    match get(&h, "/missing", false).await.unwrap_err() {
        GetParameterError::ParameterNotFound(e) => assert_eq!(e.message, None),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn tiers_and_sizes() {
    let h = Handler::default();
    let big = "x".repeat(4097);
    let msg = validation(h.put_parameter(&ctx(), put_req("/big", &big, ParameterType::String)).await.unwrap_err());
    assert!(msg.contains("Standard tier parameters support a maximum parameter value of 4096 characters"), "{msg}");
    assert!(h.put_parameter(&ctx(), put_req("/edge", &"x".repeat(4096), ParameterType::String)).await.is_ok());

    let adv = h
        .put_parameter(
            &ctx(),
            PutParameterRequest { tier: Some(ParameterTier::Advanced), ..put_req("/big", &big, ParameterType::String) },
        )
        .await
        .unwrap();
    assert_eq!(adv.tier, Some(ParameterTier::Advanced));
    validation(
        h.put_parameter(
            &ctx(),
            PutParameterRequest {
                tier: Some(ParameterTier::Advanced),
                ..put_req("/huge", &"x".repeat(8193), ParameterType::String)
            },
        )
        .await
        .unwrap_err(),
    );
    // No downgrading an advanced parameter.
    let msg = validation(
        h.put_parameter(
            &ctx(),
            PutParameterRequest {
                tier: Some(ParameterTier::Standard),
                overwrite: Some(true),
                ..put_req("/big", "small", ParameterType::String)
            },
        )
        .await
        .unwrap_err(),
    );
    assert!(msg.contains("can't downgrade"), "{msg}");
    // Intelligent-Tiering picks the tier that fits.
    let it = |name: &str, len: usize| PutParameterRequest {
        tier: Some(ParameterTier::IntelligentTiering),
        ..put_req(name, &"y".repeat(len), ParameterType::String)
    };
    assert_eq!(h.put_parameter(&ctx(), it("/it-small", 10)).await.unwrap().tier, Some(ParameterTier::Standard));
    assert_eq!(h.put_parameter(&ctx(), it("/it-big", 5000)).await.unwrap().tier, Some(ParameterTier::Advanced));
}

#[tokio::test]
async fn secure_strings() {
    let h = Handler::default();
    h.put_parameter(&ctx(), put_req("/secret", "hunter2", ParameterType::SecureString)).await.unwrap();
    let hidden = get(&h, "/secret", false).await.unwrap();
    let shown = hidden.value.unwrap();
    assert_ne!(shown, "hunter2");
    assert!(shown.starts_with("AQICAH"), "{shown}");
    assert_eq!(get(&h, "/secret", true).await.unwrap().value.as_deref(), Some("hunter2"));
    let meta = h.describe_parameters(&ctx(), DescribeParametersRequest::default()).await.unwrap().parameters.unwrap();
    assert_eq!(meta[0].key_id.as_deref(), Some("alias/aws/ssm"));
    // Plain strings are returned as they are either way.
    put(&h, "/plain", "visible").await;
    assert_eq!(get(&h, "/plain", false).await.unwrap().value.as_deref(), Some("visible"));
    // StringLists are stored verbatim.
    h.put_parameter(&ctx(), put_req("/list", "a,b,c", ParameterType::StringList)).await.unwrap();
    let list = get(&h, "/list", false).await.unwrap();
    assert_eq!((list.value.as_deref(), list.r#type), (Some("a,b,c"), Some(ParameterType::StringList)));
}

#[tokio::test]
async fn selectors_and_labels() {
    let h = Handler::default();
    for v in ["v1", "v2", "v3"] {
        h.put_parameter(
            &ctx(),
            PutParameterRequest { overwrite: Some(true), ..put_req("/sel", v, ParameterType::String) },
        )
        .await
        .unwrap();
    }
    let p = get(&h, "/sel:2", false).await.unwrap();
    assert_eq!(
        (p.name.as_deref(), p.value.as_deref(), p.version, p.selector.as_deref()),
        (Some("/sel"), Some("v2"), 2, Some(":2"))
    );
    match get(&h, "/sel:9", false).await.unwrap_err() {
        GetParameterError::ParameterVersionNotFound(e) => {
            assert_eq!(
                e.message.as_deref(),
                Some("Systems Manager could not find version 9 of /sel. Verify the version and try again.")
            )
        }
        other => panic!("{other:?}"),
    }
    let labelled = h
        .label_parameter_version(
            &ctx(),
            LabelParameterVersionRequest {
                name: "/sel".into(),
                parameter_version: Some(1),
                labels: vec!["prod".into(), "1bad".into()],
            },
        )
        .await
        .unwrap();
    assert_eq!(labelled.parameter_version, 1);
    assert_eq!(labelled.invalid_labels, Some(vec!["1bad".to_string()]));
    let p = get(&h, "/sel:prod", false).await.unwrap();
    assert_eq!((p.value.as_deref(), p.selector.as_deref()), (Some("v1"), Some(":prod")));
    // Moving the label to the latest version.
    h.label_parameter_version(
        &ctx(),
        LabelParameterVersionRequest { name: "/sel".into(), parameter_version: None, labels: vec!["prod".into()] },
    )
    .await
    .unwrap();
    assert_eq!(get(&h, "/sel:prod", false).await.unwrap().version, 3);
    assert!(matches!(get(&h, "/sel:nolabel", false).await.unwrap_err(), GetParameterError::ParameterNotFound(_)));

    let history = h
        .get_parameter_history(&ctx(), GetParameterHistoryRequest { name: "/sel".into(), ..Default::default() })
        .await
        .unwrap()
        .parameters
        .unwrap();
    let versions: Vec<i64> = history.iter().map(|p| p.version).collect();
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(history[0].labels, Some(vec![]));
    assert_eq!(history[2].labels, Some(vec!["prod".to_string()]));
    assert_eq!(history[2].last_modified_user.as_deref(), Some("arn:aws:iam::000000000000:root"));
}

#[tokio::test]
async fn history_pages_and_missing() {
    let h = Handler::default();
    for i in 0..5 {
        h.put_parameter(
            &ctx(),
            PutParameterRequest { overwrite: Some(true), ..put_req("/h", &i.to_string(), ParameterType::String) },
        )
        .await
        .unwrap();
    }
    let first = h
        .get_parameter_history(
            &ctx(),
            GetParameterHistoryRequest { name: "/h".into(), max_results: Some(2), ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(first.parameters.unwrap().iter().map(|p| p.version).collect::<Vec<_>>(), [1, 2]);
    let second = h
        .get_parameter_history(
            &ctx(),
            GetParameterHistoryRequest {
                name: "/h".into(),
                max_results: Some(10),
                next_token: first.next_token,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(second.parameters.unwrap().iter().map(|p| p.version).collect::<Vec<_>>(), [3, 4, 5]);
    assert_eq!(second.next_token, None);
    let err = h
        .get_parameter_history(&ctx(), GetParameterHistoryRequest { name: "/none".into(), ..Default::default() })
        .await
        .unwrap_err();
    assert!(matches!(err, GetParameterHistoryError::ParameterNotFound(_)));
    let err = h
        .get_parameter_history(
            &ctx(),
            GetParameterHistoryRequest { name: "/h".into(), next_token: Some("junk".into()), ..Default::default() },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, GetParameterHistoryError::InvalidNextToken(_)));
}

#[tokio::test]
async fn version_limit() {
    let h = Handler::default();
    let over = |v: usize| PutParameterRequest {
        overwrite: Some(true),
        ..put_req("/many", &v.to_string(), ParameterType::String)
    };
    for v in 0..100 {
        h.put_parameter(&ctx(), over(v)).await.unwrap();
    }
    // The 101st version pushes out version 1.
    assert_eq!(h.put_parameter(&ctx(), over(100)).await.unwrap().version, 101);
    assert!(matches!(get(&h, "/many:1", false).await.unwrap_err(), GetParameterError::ParameterVersionNotFound(_)));
    // A label on the oldest version blocks that.
    h.label_parameter_version(
        &ctx(),
        LabelParameterVersionRequest { name: "/many".into(), parameter_version: Some(2), labels: vec!["keep".into()] },
    )
    .await
    .unwrap();
    match h.put_parameter(&ctx(), over(101)).await.unwrap_err() {
        PutParameterError::ParameterMaxVersionLimitExceeded(e) => {
            assert!(e.message.unwrap().contains("Version 2, the oldest version, can't be deleted"))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn patterns_and_data_types() {
    let h = Handler::default();
    let digits = |v: &str| PutParameterRequest {
        allowed_pattern: Some("\\d+".into()),
        overwrite: Some(true),
        ..put_req("/num", v, ParameterType::String)
    };
    assert!(h.put_parameter(&ctx(), digits("123")).await.is_ok());
    let err = h.put_parameter(&ctx(), digits("12a")).await.unwrap_err();
    assert!(matches!(err, PutParameterError::ParameterPatternMismatchException(_)), "{err:?}");
    let bad_re =
        PutParameterRequest { allowed_pattern: Some("(".into()), ..put_req("/re", "x", ParameterType::String) };
    assert!(matches!(
        h.put_parameter(&ctx(), bad_re).await.unwrap_err(),
        PutParameterError::InvalidAllowedPatternException(_)
    ));
    let ami = PutParameterRequest {
        data_type: Some("aws:ec2:image".into()),
        ..put_req("/ami", "ami-12345678", ParameterType::String)
    };
    h.put_parameter(&ctx(), ami).await.unwrap();
    assert_eq!(get(&h, "/ami", false).await.unwrap().data_type.as_deref(), Some("aws:ec2:image"));
    let msg = validation(
        h.put_parameter(
            &ctx(),
            PutParameterRequest { data_type: Some("Text".into()), ..put_req("/dt", "x", ParameterType::String) },
        )
        .await
        .unwrap_err(),
    );
    assert!(msg.contains("The following data type is not supported: Text"), "{msg}");
}

#[tokio::test]
async fn get_and_delete_many() {
    let h = Handler::default();
    put(&h, "/a", "1").await;
    put(&h, "/b", "2").await;
    let out = h
        .get_parameters(
            &ctx(),
            GetParametersRequest {
                names: vec!["/a".into(), "/nope".into(), "/b:1".into(), "/b:7".into()],
                with_decryption: None,
            },
        )
        .await
        .unwrap();
    let names: Vec<_> = out.parameters.unwrap().into_iter().map(|p| (p.name.unwrap(), p.selector)).collect();
    assert_eq!(names, [("/a".to_string(), None), ("/b".to_string(), Some(":1".to_string()))]);
    assert_eq!(out.invalid_parameters.unwrap(), ["/nope", "/b:7"]);

    let del =
        h.delete_parameters(&ctx(), DeleteParametersRequest { names: vec!["/a".into(), "/zzz".into()] }).await.unwrap();
    assert_eq!(del.deleted_parameters.unwrap(), ["/a"]);
    assert_eq!(del.invalid_parameters.unwrap(), ["/zzz"]);
    let err = h.delete_parameter(&ctx(), DeleteParameterRequest { name: "/a".into() }).await.unwrap_err();
    assert!(matches!(err, DeleteParameterError::ParameterNotFound(_)));
}

#[tokio::test]
async fn by_path() {
    let h = Handler::default();
    for name in ["/app/a", "/app/b", "/app/sub/c", "/app/sub/deep/d", "/other/x", "/apple"] {
        put(&h, name, "v").await;
    }
    h.put_parameter(&ctx(), put_req("/app/s", "secret", ParameterType::SecureString)).await.unwrap();
    let names = |r: &GetParametersByPathResult| -> Vec<String> {
        r.parameters.iter().flatten().filter_map(|p| p.name.clone()).collect()
    };
    let by = |path: &str, recursive: bool| GetParametersByPathRequest {
        path: path.into(),
        recursive: Some(recursive),
        ..Default::default()
    };

    let one = h.get_parameters_by_path(&ctx(), by("/app", false)).await.unwrap();
    assert_eq!(names(&one), ["/app/a", "/app/b", "/app/s"]);
    let all = h.get_parameters_by_path(&ctx(), by("/app/", true)).await.unwrap();
    assert_eq!(names(&all), ["/app/a", "/app/b", "/app/s", "/app/sub/c", "/app/sub/deep/d"]);
    let root = h.get_parameters_by_path(&ctx(), by("/", false)).await.unwrap();
    assert_eq!(names(&root), ["/apple"]);

    // Pages of two.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = h
            .get_parameters_by_path(
                &ctx(),
                GetParametersByPathRequest { max_results: Some(2), next_token: token.clone(), ..by("/app", true) },
            )
            .await
            .unwrap();
        assert!(page.parameters.as_ref().unwrap().len() <= 2);
        seen.extend(names(&page));
        token = page.next_token;
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, names(&all));

    // Type filter, and decryption applies to SecureStrings.
    let secure = h
        .get_parameters_by_path(
            &ctx(),
            GetParametersByPathRequest {
                parameter_filters: Some(vec![ParameterStringFilter {
                    key: "Type".into(),
                    option: None,
                    values: Some(vec!["SecureString".into()]),
                }]),
                with_decryption: Some(true),
                ..by("/app", true)
            },
        )
        .await
        .unwrap();
    let only = secure.parameters.unwrap();
    assert_eq!(only.len(), 1);
    assert_eq!(only[0].value.as_deref(), Some("secret"));

    let err = h
        .get_parameters_by_path(
            &ctx(),
            GetParametersByPathRequest {
                parameter_filters: Some(vec![ParameterStringFilter {
                    key: "Name".into(),
                    option: None,
                    values: Some(vec!["x".into()]),
                }]),
                ..by("/app", true)
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, GetParametersByPathError::InvalidFilterKey(_)), "{err:?}");
    validation(h.get_parameters_by_path(&ctx(), by("app", false)).await.unwrap_err());
    let err = h
        .get_parameters_by_path(
            &ctx(),
            GetParametersByPathRequest { next_token: Some("bogus".into()), ..by("/app", false) },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, GetParametersByPathError::InvalidNextToken(_)));
}

#[tokio::test]
async fn describe() {
    let h = Handler::default();
    h.put_parameter(
        &ctx(),
        PutParameterRequest {
            description: Some("the host".into()),
            ..put_req("/svc/host", "h", ParameterType::String)
        },
    )
    .await
    .unwrap();
    h.put_parameter(&ctx(), put_req("/svc/key", "k", ParameterType::SecureString)).await.unwrap();
    h.put_parameter(&ctx(), put_req("/other/x", "x", ParameterType::String)).await.unwrap();
    h.add_tags_to_resource(
        &ctx(),
        AddTagsToResourceRequest {
            resource_type: ResourceTypeForTagging::Parameter,
            resource_id: "/other/x".into(),
            tags: vec![Tag { key: "team".into(), value: "blue".into() }],
        },
    )
    .await
    .unwrap();
    let describe = |filters: Vec<ParameterStringFilter>| DescribeParametersRequest {
        parameter_filters: Some(filters),
        ..Default::default()
    };
    let f = |key: &str, option: Option<&str>, values: &[&str]| ParameterStringFilter {
        key: key.into(),
        option: option.map(str::to_string),
        values: Some(values.iter().map(|v| v.to_string()).collect()),
    };
    let names = |r: DescribeParametersResult| -> Vec<String> {
        r.parameters.unwrap().into_iter().filter_map(|p| p.name).collect()
    };

    let all = h.describe_parameters(&ctx(), DescribeParametersRequest::default()).await.unwrap();
    let first = all.parameters.clone().unwrap();
    assert_eq!(first.len(), 3);
    let host = first.iter().find(|p| p.name.as_deref() == Some("/svc/host")).unwrap();
    assert_eq!(host.description.as_deref(), Some("the host"));
    assert_eq!(host.tier, Some(ParameterTier::Standard));
    assert_eq!(host.version, 1);
    assert_eq!(host.key_id, None);

    assert_eq!(
        names(h.describe_parameters(&ctx(), describe(vec![f("Type", None, &["SecureString"])])).await.unwrap()),
        ["/svc/key"]
    );
    assert_eq!(
        names(h.describe_parameters(&ctx(), describe(vec![f("Name", Some("BeginsWith"), &["/svc"])])).await.unwrap()),
        ["/svc/host", "/svc/key"]
    );
    assert_eq!(
        names(h.describe_parameters(&ctx(), describe(vec![f("Path", None, &["/other"])])).await.unwrap()),
        ["/other/x"]
    );
    assert_eq!(
        names(h.describe_parameters(&ctx(), describe(vec![f("tag:team", None, &["blue"])])).await.unwrap()),
        ["/other/x"]
    );
    let legacy = DescribeParametersRequest {
        filters: Some(vec![ParametersFilter { key: ParametersFilterKey::Name, values: vec!["/svc/h".into()] }]),
        ..Default::default()
    };
    assert_eq!(names(h.describe_parameters(&ctx(), legacy).await.unwrap()), ["/svc/host"]);
    let err = h.describe_parameters(&ctx(), describe(vec![f("Type", Some("BeginsWith"), &["S"])])).await.unwrap_err();
    assert!(matches!(err, DescribeParametersError::InvalidFilterOption(_)), "{err:?}");

    let page = h
        .describe_parameters(&ctx(), DescribeParametersRequest { max_results: Some(2), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(page.parameters.as_ref().unwrap().len(), 2);
    let rest = h
        .describe_parameters(
            &ctx(),
            DescribeParametersRequest { max_results: Some(2), next_token: page.next_token, ..Default::default() },
        )
        .await
        .unwrap();
    assert_eq!(rest.parameters.unwrap().len(), 1);
    assert_eq!(rest.next_token, None);
}

#[tokio::test]
async fn tags() {
    let h = Handler::default();
    h.put_parameter(
        &ctx(),
        PutParameterRequest {
            tags: Some(vec![Tag { key: "a".into(), value: "1".into() }]),
            ..put_req("/t", "v", ParameterType::String)
        },
    )
    .await
    .unwrap();
    let list = |id: &str| ListTagsForResourceRequest {
        resource_type: ResourceTypeForTagging::Parameter,
        resource_id: id.into(),
    };
    let add = |tags: Vec<(&str, &str)>| AddTagsToResourceRequest {
        resource_type: ResourceTypeForTagging::Parameter,
        resource_id: "/t".into(),
        tags: tags.into_iter().map(|(k, v)| Tag { key: k.into(), value: v.into() }).collect(),
    };
    h.add_tags_to_resource(&ctx(), add(vec![("a", "2"), ("b", "3")])).await.unwrap();
    let tags = h.list_tags_for_resource(&ctx(), list("/t")).await.unwrap().tag_list.unwrap();
    assert_eq!(tags, [Tag { key: "a".into(), value: "2".into() }, Tag { key: "b".into(), value: "3".into() }]);
    h.remove_tags_from_resource(
        &ctx(),
        RemoveTagsFromResourceRequest {
            resource_type: ResourceTypeForTagging::Parameter,
            resource_id: "/t".into(),
            tag_keys: vec!["a".into()],
        },
    )
    .await
    .unwrap();
    assert_eq!(h.list_tags_for_resource(&ctx(), list("/t")).await.unwrap().tag_list.unwrap().len(), 1);
    let err = h.list_tags_for_resource(&ctx(), list("/missing")).await.unwrap_err();
    assert!(matches!(err, ListTagsForResourceError::InvalidResourceId(_)));
    let many: Vec<(String, String)> = (0..50).map(|i| (format!("k{i}"), "v".to_string())).collect();
    let err = h
        .add_tags_to_resource(&ctx(), add(many.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()))
        .await
        .unwrap_err();
    assert!(matches!(err, AddTagsToResourceError::TooManyTagsError(_)), "{err:?}");
}

#[tokio::test]
async fn scoped_by_region_and_reset() {
    let h = Handler::default();
    put(&h, "/r", "v").await;
    let west = rt::RequestContext::internal("000000000000", "us-west-2");
    assert!(h.get_parameter(&west, GetParameterRequest { name: "/r".into(), with_decryption: None }).await.is_err());
    h.reset();
    assert!(get(&h, "/r", false).await.is_err());
}

#[tokio::test]
async fn standard_parameter_limit() {
    let h = Handler::default();
    for i in 0..10_000 {
        put(&h, &format!("p{i}"), "v").await;
    }
    let refused = h.put_parameter(&ctx(), put_req("one-more", "v", ParameterType::String)).await;
    assert!(matches!(refused, Err(PutParameterError::ParameterLimitExceeded(_))), "{refused:?}");
    // Advanced parameters have their own, larger quota; existing names can still be overwritten.
    let advanced =
        PutParameterRequest { tier: Some(ParameterTier::Advanced), ..put_req("one-more", "v", ParameterType::String) };
    h.put_parameter(&ctx(), advanced).await.unwrap();
    let overwrite = PutParameterRequest { overwrite: Some(true), ..put_req("p1", "w", ParameterType::String) };
    assert_eq!(h.put_parameter(&ctx(), overwrite).await.unwrap().version, 2);
}
