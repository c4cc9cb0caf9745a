'use strict'
// The WeChat Pay simulator's answers: a transaction as a query returns it (and as TRANSACTION.SUCCESS
// carries it), a refund as the refund APIs return it, and REFUND.SUCCESS's resource.

function transaction(o, mchId) {
  const t = {
    appid: o.appid,
    mchid: mchId,
    out_trade_no: o.out_trade_no,
    trade_type: 'JSAPI',
    trade_state: o.trade_state,
    trade_state_desc: { NOTPAY: '未支付', SUCCESS: '支付成功', CLOSED: '已关闭', REFUND: '转入退款' }[o.trade_state],
    payer: { openid: o.payer.openid },
    amount: { total: o.amount.total, currency: o.amount.currency || 'CNY' },
  }
  if (o.attach !== undefined) t.attach = o.attach
  if (o.transaction_id) {
    Object.assign(t, { transaction_id: o.transaction_id, bank_type: 'OTHERS', success_time: o.success_time })
    t.amount = { ...t.amount, payer_total: o.amount.total, payer_currency: t.amount.currency }
  }
  return t
}

function refundView(r) {
  const o = r.order
  const a = r.amount
  const view = {
    refund_id: r.refund_id,
    out_refund_no: r.out_refund_no,
    transaction_id: o.transaction_id,
    out_trade_no: o.out_trade_no,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: r.create_time,
    status: r.status,
    funds_account: 'AVAILABLE',
    amount: { total: a.total, refund: a.refund, payer_total: a.total, payer_refund: a.refund, settlement_total: a.total, settlement_refund: a.refund, discount_refund: 0, currency: a.currency || 'CNY' },
  }
  if (r.success_time) view.success_time = r.success_time
  return view
}

function refundNotice(r, mchId) {
  const o = r.order
  return {
    mchid: mchId, out_trade_no: o.out_trade_no, transaction_id: o.transaction_id, out_refund_no: r.out_refund_no, refund_id: r.refund_id,
    refund_status: 'SUCCESS', success_time: r.success_time, user_received_account: '支付用户零钱',
    amount: { total: r.amount.total, refund: r.amount.refund, payer_total: r.amount.total, payer_refund: r.amount.refund },
  }
}

module.exports = { transaction, refundView, refundNotice }
