// Microsoft Entra ID's provisioning requests, in the order of its documented flow, with the answers it expects.
// Sources: MS-TUT, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID"
// (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups, § "SCIM protocol
// requests and responses"); MS-COMPAT, "Known issues and resolutions with SCIM 2.0 protocol compliance"
// (…/application-provisioning-config-problem-scim-compatibility: the requests without and with `aadOptscim062020`).
// Bodies are the documents' own; only the GUIDs and the mail domain (the team's verified one) are variables.
import type { ReplayStep } from './replay'

const tutorial = 'MS-TUT § SCIM protocol requests and responses'
const compat = 'MS-COMPAT § aadOptscim062020'
const scimJson = { 'content-type': 'application/scim+json' }
const patchOp = '"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]'

export const entraProvisioning: ReplayStep[] = [
  {
    name: 'Get User by query - Zero results',
    source: `${tutorial} › Get User by query - Zero results`,
    method: 'GET',
    path: '/Users?filter=userName eq "non-existent user"',
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', equals: 0 },
        { property: 'Resources', equals: [] },
      ],
    },
  },
  {
    name: 'Create User',
    source: `${tutorial} › Create User`,
    method: 'POST',
    path: '/Users',
    headers: scimJson,
    body: `{
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_{{userGuid}}",
    "active": true,
    "emails": [{
        "primary": true,
        "type": "work",
        "value": "Test_User_{{mailGuid}}@{{domain}}"
    }],
    "meta": {
        "resourceType": "User"
    },
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
    },
    "roles": []
}`,
    save: { userId: 'id' },
    expect: {
      status: 201,
      checks: [
        { property: 'id', is: 'not_empty' },
        { property: 'externalId', equals: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef' },
        { property: 'userName', equals: 'Test_User_{{userGuid}}' },
        { property: 'name.familyName', equals: 'familyName' },
        { property: 'name.givenName', equals: 'givenName' },
        { property: 'active', equals: true },
        { property: 'emails[0].type', equals: 'work' },
        { property: 'emails[0].primary', equals: true },
      ],
    },
  },
  {
    name: 'Get User',
    source: `${tutorial} › Get User`,
    method: 'GET',
    path: '/Users/{{userId}}',
    expect: {
      status: 200,
      checks: [
        { property: 'id', equals: '{{userId}}' },
        { property: 'userName', equals: 'Test_User_{{userGuid}}' },
      ],
    },
  },
  {
    name: 'Get User (not found)',
    source: `${tutorial} › Get User (User not found)`,
    method: 'GET',
    path: '/Users/5171a35d82074e068ce2',
    expect: {
      status: 404,
      checks: [
        { property: 'status', equals: '404' },
        { property: 'schemas', contains: 'urn:ietf:params:scim:api:messages:2.0:Error' },
      ],
    },
  },
  {
    name: 'Get User by query',
    source: `${tutorial} › Get User by query`,
    method: 'GET',
    path: '/Users?filter=userName eq "Test_User_{{userGuid}}"',
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', equals: 1 },
        { property: 'Resources[0].id', equals: '{{userId}}' },
      ],
    },
  },
  {
    name: 'Get User by the work email (a uniqueness attribute must be filterable)',
    source: 'MS-TUT § /Users: emails[type eq "work"].value eq "user@contoso.com"',
    method: 'GET',
    path: '/Users?filter=emails[type eq "work"].value eq "Test_User_{{mailGuid}}@{{domain}}"',
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', equals: 1 },
        { property: 'Resources[0].id', equals: '{{userId}}' },
      ],
    },
  },
  {
    name: 'Update User [Multi-valued properties]',
    source: `${tutorial} › Update User [Multi-valued properties]`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{
    ${patchOp},
    "Operations": [
            {
            "op": "Replace",
            "path": "emails[type eq \\"work\\"].value",
            "value": "updatedEmail@{{domain}}"
            },
            {
            "op": "Replace",
            "path": "name.familyName",
            "value": "updatedFamilyName"
            }
    ]
}`,
    expect: {
      status: 200,
      checks: [
        { property: 'userName', equals: 'Test_User_{{userGuid}}' },
        { property: 'name.familyName', equals: 'updatedFamilyName' },
        { property: 'emails[0].value', equals: 'updatedemail@{{domain}}' },
      ],
    },
  },
  {
    name: 'Update User [Single-valued properties]',
    source: `${tutorial} › Update User [Single-valued properties]`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{
    ${patchOp},
    "Operations": [{
        "op": "Replace",
        "path": "userName",
        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@{{domain}}"
    }]
}`,
    expect: {
      status: 200,
      checks: [
        { property: 'userName', equals: '5b50642d-79fc-4410-9e90-4c077cdd1a59@{{domain}}' },
        { property: 'emails[0].value', equals: 'updatedemail@{{domain}}' },
      ],
    },
  },
  {
    name: 'Requests to replace multiple attributes (without the flag)',
    source: `${compat} › Requests to replace multiple attributes, Without feature flag`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{
    ${patchOp},
    "Operations": [
        { "op": "Replace", "path": "displayName", "value": "Pvlo" },
        { "op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "TestBcwqnm@{{domain}}" },
        { "op": "Replace", "path": "name.givenName", "value": "Gtfd" },
        { "op": "Replace", "path": "name.familyName", "value": "Pkqf" },
        { "op": "Replace", "path": "externalId", "value": "Eqpj" },
        { "op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "Eqpj" }
    ]
}`,
    expect: {
      status: 200,
      checks: [
        { property: 'displayName', equals: 'Pvlo' },
        { property: 'name.givenName', equals: 'Gtfd' },
        { property: 'name.familyName', equals: 'Pkqf' },
        { property: 'externalId', equals: 'Eqpj' },
        { property: 'emails[0].value', equals: 'testbcwqnm@{{domain}}' },
      ],
    },
  },
  {
    name: 'Requests to replace multiple attributes (with the flag)',
    source: `${compat} › Requests to replace multiple attributes, With feature flag`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{
    ${patchOp},
    "Operations": [
        { "op": "replace", "path": "emails[type eq \\"work\\"].value", "value": "TestMhvaes@{{domain}}" },
        {
            "op": "replace",
            "value": {
                "displayName": "Bjfe",
                "name.givenName": "Kkom",
                "name.familyName": "Unua",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"
            }
        }
    ]
}`,
    expect: {
      status: 200,
      checks: [
        { property: 'displayName', equals: 'Bjfe' },
        { property: 'name.givenName', equals: 'Kkom' },
        { property: 'name.familyName', equals: 'Unua' },
        { property: 'emails[0].value', equals: 'testmhvaes@{{domain}}' },
      ],
    },
  },
  {
    name: 'Requests to add a single-value string attribute (an attribute we do not keep)',
    source: `${compat} › Requests to add a single-value string attribute, Without feature flag`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{ ${patchOp}, "Operations": [ { "op": "Add", "path": "nickName", "value": "Babs" } ] }`,
    expect: { status: 200, checks: [{ property: 'displayName', equals: 'Bjfe' }] },
  },
  {
    name: 'Requests made to disable users (without the flag: "False" as a string)',
    source: `${compat} › Requests made to disable users, Without feature flag`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{ ${patchOp}, "Operations": [ { "op": "Replace", "path": "active", "value": "False" } ] }`,
    expect: { status: 200, checks: [{ property: 'active', equals: false }] },
  },
  {
    name: 'Disable User (with the flag)',
    source: `${tutorial} › Disable User; ${compat} › Requests made to disable users, With feature flag`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: scimJson,
    body: `{ "Operations": [ { "op": "Replace", "path": "active", "value": false } ], ${patchOp} }`,
    expect: { status: 200, checks: [{ property: 'active', equals: false }] },
  },
  {
    name: 'Create Group',
    source: `${tutorial} › Create Group`,
    method: 'POST',
    path: '/Groups',
    headers: scimJson,
    body: `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName",
    "meta": {
        "resourceType": "Group"
    }
}`,
    save: { groupId: 'id' },
    expect: {
      status: 201,
      checks: [
        { property: 'id', is: 'not_empty' },
        { property: 'externalId', equals: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159' },
        { property: 'displayName', equals: 'displayName' },
        { property: 'members', equals: [] },
      ],
    },
  },
  {
    name: 'Get Group',
    source: `${tutorial} › Get Group`,
    method: 'GET',
    path: '/Groups/{{groupId}}?excludedAttributes=members',
    expect: {
      status: 200,
      checks: [
        { property: 'id', equals: '{{groupId}}' },
        { property: 'displayName', equals: 'displayName' },
        { property: 'members', is: 'absent' },
      ],
    },
  },
  {
    name: 'Get Group by displayName',
    source: `${tutorial} › Get Group by displayName`,
    method: 'GET',
    path: '/Groups?excludedAttributes=members&filter=displayName eq "displayName"',
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', equals: 1 },
        { property: 'Resources[0].id', equals: '{{groupId}}' },
        { property: 'Resources[0].members', is: 'absent' },
      ],
    },
  },
  {
    name: 'Update Group [Non-member attributes]',
    source: `${tutorial} › Update Group [Non-member attributes]`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: scimJson,
    body: `{
    ${patchOp},
    "Operations": [{
        "op": "Replace",
        "path": "displayName",
        "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    }]
}`,
    expect: { status: 204 },
  },
  {
    name: 'Update Group [Add Members]',
    source: `${tutorial} › Update Group [Add Members]`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: scimJson,
    body: `{
    ${patchOp},
    "Operations": [{
        "op": "Add",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": "{{userId}}"
        }]
    }]
}`,
    expect: { status: 204 },
  },
  {
    name: 'Requests made to remove a group member (without the flag)',
    source: `${compat} › Requests made to remove a group member, Without feature flag; ${tutorial} › Update Group [Remove Members]`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: scimJson,
    body: `{ ${patchOp}, "Operations": [ { "op": "Remove", "path": "members", "value": [ { "value": "{{userId}}" } ] } ] }`,
    expect: { status: 204 },
  },
  {
    name: 'Update Group [Add Members], again',
    source: `${tutorial} › Update Group [Add Members]`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: scimJson,
    body: `{ ${patchOp}, "Operations": [ { "op": "Add", "path": "members", "value": [ { "$ref": null, "value": "{{userId}}" } ] } ] }`,
    expect: { status: 204 },
  },
  {
    name: 'Requests made to remove a group member (with the flag)',
    source: `${compat} › Requests made to remove a group member, With feature flag`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: scimJson,
    body: `{ ${patchOp}, "Operations": [ { "op": "remove", "path": "members[value eq \\"{{userId}}\\"]" } ] }`,
    expect: { status: 204 },
  },
  {
    name: 'Delete Group',
    source: `${tutorial} › Delete Group`,
    method: 'DELETE',
    path: '/Groups/{{groupId}}',
    expect: { status: 204 },
  },
  {
    name: 'Delete User',
    source: `${tutorial} › Delete User`,
    method: 'DELETE',
    path: '/Users/{{userId}}',
    expect: { status: 204 },
  },
  {
    name: 'Get User, after its deletion',
    source: `${tutorial} › Get User (User not found)`,
    method: 'GET',
    path: '/Users/{{userId}}',
    expect: { status: 404 },
  },
]
