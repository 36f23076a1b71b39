// The Worker entry: one app per isolate, upstream calls over the global fetch.
import { createApp } from './app'

export default createApp()
