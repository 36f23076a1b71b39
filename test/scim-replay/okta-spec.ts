// Okta's "Okta SCIM 2.0 SPEC Test" (Runscope collection Okta-SCIM-20-SPEC-Test.json, developer.okta.com/standards/SCIM/SCIMFiles/),
// step by step: each request as the collection sends it (headers, body) and the assertions its steps make.
// Source: the collection's 2016 export (GitHub mwhorse46/node_okta_app:Okta-SCIM-20-SPEC-Test.json); the current collection's
// case check (`userName eq "<CAPS>"` → 200, one result) as the interop review (OKTA-SPEC) replayed it.
// The variables are the tester's: `randomUsername` and `randomEmail` are one random address in the team's domain.
// `oktaProvisioning` is what Okta's provisioning itself sends (OKTA-REF: Okta's "SCIM 2.0 Protocol Reference",
// developer.okta.com/docs/reference/scim/scim-20/), with its bodies; test.user@okta.local is in the team's domain.
import type { ReplayStep } from './replay'

const collection = 'OKTA-SPEC, Okta-SCIM-20-SPEC-Test.json'

/** The headers of the collection's read steps. */
const okta = {
  'accept-charset': 'utf-8',
  'content-type': 'application/scim+json; charset=utf-8',
  accept: 'application/scim+json',
  'user-agent': 'OKTA SCIM Integration',
}
const listResponse = 'urn:ietf:params:scim:api:messages:2.0:ListResponse'

/** The body of the collection's two "Create Okta user" steps, as exported. */
const createUser =
  '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"{{randomUsername}}","name":{"givenName":"{{randomGivenName}}","familyName":"{{randomFamilyName}}"},"emails":[{"primary":true,"value":"{{randomEmail}}","type":"work"}],"displayName":"{{randomGivenName}} {{randomFamilyName}}","active":true}'

export const oktaSpecTest: ReplayStep[] = [
  {
    name: 'Optional Test: Test ServiceProviderConfig endpoint',
    source: `${collection}, step 1`,
    method: 'GET',
    path: '/ServiceProviderConfig',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        {
          property: 'schemas',
          contains: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
        },
        ...[
          'patch',
          'bulk',
          'filter',
          'changePassword',
          'sort',
          'etag',
          'authenticationSchemes',
          'authenticationSchemes[0].type',
          'authenticationSchemes[0].description',
          'etag.supported',
          'sort.supported',
          'changePassword.supported',
          'filter.maxResults',
          'filter.supported',
          'bulk.supported',
          'bulk.maxOperations',
          'bulk.maxPayloadSize',
          'patch.supported',
        ].map((property) => ({ property, is: 'not_empty' as const })),
      ],
    },
  },
  {
    name: 'Optional Test: Check if ServiceProviderConfig is read-only',
    source: `${collection}, step 2`,
    method: 'POST',
    path: '/ServiceProviderConfig',
    headers: {
      'accept-charset': 'utf-8',
      'content-type': 'application/scim+json; charset=utf-8',
      accept: 'application/scim+json',
    },
    body: 'test\r\n\r\n',
    expect: { status: 405 },
  },
  {
    name: 'Optional Test: Check ResourceTypes endpoint',
    source: `${collection}, step 3`,
    method: 'GET',
    path: '/ResourceTypes',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'Resources', is: 'not_empty' },
        { property: 'schemas', contains: listResponse },
        { property: 'Resources[0].name', is: 'not_empty' },
        { property: 'Resources[0].endpoint', is: 'not_empty' },
        { property: 'Resources[0].schema', is: 'not_empty' },
      ],
    },
  },
  {
    name: 'Optional Test: Check if ResourceTypes is read-only',
    source: `${collection}, step 4`,
    method: 'POST',
    path: '/ResourceTypes',
    headers: okta,
    body: 'test',
    expect: { status: 405 },
  },
  {
    name: 'Optional Test: Check Schemas endpoint',
    source: `${collection}, step 5`,
    method: 'GET',
    path: '/Schemas',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'Resources', is: 'not_empty' },
        { property: 'schemas', contains: listResponse },
        { property: 'Resources[0].id', is: 'not_empty' },
        { property: 'Resources[0].attributes', is: 'not_empty' },
      ],
    },
  },
  {
    name: 'Optional Test: Check if Schemas is read-only',
    source: `${collection}, step 6`,
    method: 'POST',
    path: '/Schemas',
    headers: okta,
    body: 'test',
    expect: { status: 405 },
  },
  {
    name: 'Required Test: Test Users endpoint',
    source: `${collection}, step 7`,
    method: 'GET',
    path: '/Users?count=1&startIndex=1',
    headers: okta,
    save: { ISVUserid: 'Resources[0].id' },
    expect: {
      status: 200,
      checks: [
        { property: 'Resources', is: 'not_empty' },
        { property: 'schemas', contains: listResponse },
        { property: 'itemsPerPage', is: 'a_number' },
        { property: 'startIndex', is: 'a_number' },
        { property: 'totalResults', is: 'a_number' },
        { property: 'Resources[0].id', is: 'not_empty' },
        { property: 'Resources[0].name.familyName', is: 'not_empty' },
        { property: 'Resources[0].name.givenName', is: 'not_empty' },
        { property: 'Resources[0].userName', is: 'not_empty' },
        { property: 'Resources[0].active', is: 'not_empty' },
        { property: 'Resources[0].emails.value', is: 'not_empty' },
      ],
    },
  },
  {
    name: 'Required Test: Get Users/{{id}}',
    source: `${collection}, step 8`,
    method: 'GET',
    path: '/Users/{{ISVUserid}}',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'id', equals: '{{ISVUserid}}' },
        { property: 'name.familyName', is: 'not_empty' },
        { property: 'name.givenName', is: 'not_empty' },
        { property: 'userName', is: 'not_empty' },
        { property: 'active', is: 'not_empty' },
        { property: 'emails[0].value', is: 'not_empty' },
      ],
    },
  },
  {
    name: 'Required Test: Test invalid User by username',
    source: `${collection}, step 9`,
    method: 'GET',
    path: '/Users?filter=userName eq "{{InvalidUserEmail}}"',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'schemas', contains: listResponse },
        { property: 'totalResults', equals: 0 },
      ],
    },
  },
  {
    name: 'Required Test: Test invalid User by ID',
    source: `${collection}, step 10`,
    method: 'GET',
    path: '/Users/{{UserIdThatDoesNotExist}}',
    headers: okta,
    expect: {
      status: 404,
      checks: [
        { property: 'detail', is: 'not_empty' },
        { property: 'schemas', contains: 'urn:ietf:params:scim:api:messages:2.0:Error' },
      ],
    },
  },
  {
    name: 'Required Test: Make sure random user doesn’t exist',
    source: `${collection}, step 11`,
    method: 'GET',
    path: '/Users?filter=userName eq "{{randomEmail}}"',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', equals: 0 },
        { property: 'schemas', contains: listResponse },
      ],
    },
  },
  {
    name: 'Required Test: Create Okta user with realistic values',
    source: `${collection}, step 12 (sent with Accept only: no Content-Type, no User-Agent)`,
    method: 'POST',
    path: '/Users',
    headers: { accept: 'application/scim+json; charset=utf-8' },
    body: createUser,
    save: { idUserOne: 'id' },
    expect: {
      status: 201,
      checks: [
        { property: 'active', equals: true },
        { property: 'id', is: 'not_empty' },
        { property: 'name.familyName', equals: '{{randomFamilyName}}' },
        { property: 'name.givenName', equals: '{{randomGivenName}}' },
        { property: 'schemas', contains: 'urn:ietf:params:scim:schemas:core:2.0:User' },
        { property: 'userName', equals: '{{randomUsername}}' },
      ],
    },
  },
  {
    name: 'Required Test: Verify that user was created',
    source: `${collection}, step 13`,
    method: 'GET',
    path: '/Users/{{idUserOne}}',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'userName', equals: '{{randomUsername}}' },
        { property: 'name.familyName', equals: '{{randomFamilyName}}' },
        { property: 'name.givenName', equals: '{{randomGivenName}}' },
      ],
    },
  },
  {
    name: 'Required Test: Expect failure when recreating user with same values',
    source: `${collection}, step 14`,
    method: 'POST',
    path: '/Users',
    headers: { accept: 'application/scim+json; charset=utf-8' },
    body: createUser,
    expect: { status: 409 },
  },
  {
    name: 'Required Test: Username Case Sensitivity Check (2016 export: a bare value is no filter)',
    source: `${collection}, step 15`,
    method: 'GET',
    path: '/Users?filter={{randomUsernameCaps}}',
    headers: okta,
    expect: { status: 400 },
  },
  {
    name: 'Required Test: Username Case Sensitivity Check (current collection)',
    source: 'OKTA-SPEC, the current collection’s case check as the interop review replayed it',
    method: 'GET',
    path: '/Users?filter=userName eq "{{randomUsernameCaps}}"',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', equals: 1 },
        { property: 'Resources[0].id', equals: '{{idUserOne}}' },
        { property: 'Resources[0].userName', equals: '{{randomUsername}}' },
      ],
    },
  },
  {
    name: 'Optional Test: Verify Groups endpoint',
    source: `${collection}, step 16 (its script asserts totalResults >= 1 and a Resources array)`,
    method: 'GET',
    path: '/Groups',
    headers: okta,
    expect: {
      status: 200,
      checks: [
        { property: 'totalResults', atLeast: 1 },
        { property: 'Resources', is: 'not_empty' },
      ],
    },
  },
]

const reference = 'OKTA-REF'
const client = { 'user-agent': 'Okta SCIM Client 1.0.0' }
const patchOp = '"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]'

export const oktaProvisioning: ReplayStep[] = [
  {
    name: 'Determine if the User already exists',
    source: `${reference} § Create Users › Determine if the User already exists`,
    method: 'GET',
    path: '/Users?filter=userName eq "test.user@{{domain}}"&startIndex=1&count=100',
    headers: client,
    expect: { status: 200, checks: [{ property: 'totalResults', equals: 0 }] },
  },
  {
    name: 'Create the User',
    source: `${reference} § Create Users › Create the User`,
    method: 'POST',
    path: '/Users',
    headers: client,
    body: `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "test.user@{{domain}}",
    "name": {
        "givenName": "Test",
        "familyName": "User"
    },
    "emails": [{
        "primary": true,
        "value": "test.user@{{domain}}",
        "type": "work"
    }],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": true
}`,
    save: { userId: 'id' },
    expect: {
      status: 201,
      checks: [
        { property: 'id', is: 'not_empty' },
        { property: 'userName', equals: 'test.user@{{domain}}' },
        { property: 'externalId', equals: '00ujl29u0le5T6Aj10h7' },
        { property: 'active', equals: true },
      ],
    },
  },
  {
    name: 'Retrieve a specific User',
    source: `${reference} § Retrieve a specific User`,
    method: 'GET',
    path: '/Users/{{userId}}',
    headers: client,
    expect: { status: 200, checks: [{ property: 'name.givenName', equals: 'Test' }] },
  },
  {
    name: 'Update the User (PUT, as AIW apps update)',
    source: `${reference} § Update a specific User (PUT) › Update the User`,
    method: 'PUT',
    path: '/Users/{{userId}}',
    headers: client,
    body: `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": "{{userId}}",
    "userName": "test.user@{{domain}}",
    "name": {
        "givenName": "Another",
        "middleName": "Excited",
        "familyName": "User"
    },
    "emails": [{
        "primary": true,
        "value": "test.user@{{domain}}",
        "type": "work",
        "display": "test.user@{{domain}}"
    }],
    "active": true,
    "groups": [],
    "meta": {
        "resourceType": "User"
    }
}`,
    expect: {
      status: 200,
      checks: [
        { property: 'name.givenName', equals: 'Another' },
        { property: 'active', equals: true },
      ],
    },
  },
  {
    name: 'Deactivate the User',
    source: `${reference} § Update a specific User (PATCH)`,
    method: 'PATCH',
    path: '/Users/{{userId}}',
    headers: client,
    body: `{
    ${patchOp},
    "Operations": [{
        "op": "replace",
        "value": {
            "active": false
        }
    }]
}`,
    expect: { status: 200, checks: [{ property: 'active', equals: false }] },
  },
  {
    name: 'Create Groups',
    source: `${reference} § Create Groups`,
    method: 'POST',
    path: '/Groups',
    headers: client,
    body: `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "displayName": "Test SCIMv2",
    "members": []
}`,
    save: { groupId: 'id' },
    expect: {
      status: 201,
      checks: [
        { property: 'displayName', equals: 'Test SCIMv2' },
        { property: 'members', equals: [] },
      ],
    },
  },
  {
    name: 'Update specific Group membership',
    source: `${reference} § Update specific Group membership (PATCH; 204 is allowed)`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: client,
    body: `{
    ${patchOp},
    "Operations": [{
          "op": "remove",
          "path": "members[value eq \\"89bb1940-b905-4575-9e7f-6f887cfb368e\\"]"
        },
        {
          "op": "add",
          "path": "members",
          "value": [{
              "value": "{{userId}}",
              "display": "test.user@{{domain}}"
        }]
    }]
}`,
    expect: { status: 204 },
  },
  {
    name: 'Retrieve specific Groups',
    source: `${reference} § Retrieve specific Groups`,
    method: 'GET',
    path: '/Groups/{{groupId}}',
    headers: client,
    expect: {
      status: 200,
      checks: [
        { property: 'members[0].value', equals: '{{userId}}' },
        { property: 'displayName', equals: 'Test SCIMv2' },
      ],
    },
  },
  {
    name: 'Update a specific Group name',
    source: `${reference} § Update a specific Group name (PATCH)`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: client,
    body: `{
    ${patchOp},
    "Operations": [{
        "op": "replace",
        "value": {
            "id": "{{groupId}}",
            "displayName": "Test SCIMv20"
        }
    }]
}`,
    expect: { status: 204 },
  },
  {
    name: 'Update specific Group membership (full push with replace)',
    source: `${reference} § Update specific Group membership (replace)`,
    method: 'PATCH',
    path: '/Groups/{{groupId}}',
    headers: client,
    body: `{
  ${patchOp},
  "Operations": [
    {
      "op": "replace",
      "path": "members",
      "value": [
        {
          "value": "{{userId}}",
          "display": "test.user@{{domain}}"
        },
        {
          "value": "89bb1940-b905-4575-9e7f-6f887cfb368e",
          "display": "test.user@{{domain}}"
        }
      ]
    }
  ]
}`,
    expect: { status: 204 },
  },
  {
    name: 'Retrieve Groups',
    source: `${reference} § Retrieve Groups`,
    method: 'GET',
    path: '/Groups?startIndex=1&count=100',
    headers: client,
    expect: {
      status: 200,
      checks: [
        { property: 'Resources[0].displayName', equals: 'Test SCIMv20' },
        {
          property: 'Resources[0].members',
          equals: [
            {
              value: '{{userId}}',
              display: 'test.user@{{domain}}',
              $ref: '{{baseUrl}}/Users/{{userId}}',
            },
          ],
        },
      ],
    },
  },
  {
    name: 'Delete a specific Group',
    source: `${reference} § Delete a specific Group`,
    method: 'DELETE',
    path: '/Groups/{{groupId}}',
    headers: client,
    expect: { status: 204 },
  },
]
