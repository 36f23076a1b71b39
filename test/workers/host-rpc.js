// A second Worker in the test pool: a host app that asks edge-sso who is signed in over the service binding.
export default {
  async fetch(request, env) {
    const identity = await env.SSO.identify(request.headers.get('cookie'))
    return Response.json(identity)
  },
}
