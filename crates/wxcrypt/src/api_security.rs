//! Server-API security mode (服务端 API 签名加密, issue 18).
