//创建一个socket实例
var socket = new WebSocket('ws://localhost:8080')
//打开socket
/**
 * 实例对象的onopen属性, 用于指定连接成功后的回调函数
 * 如果要指定多个回调函数, 可以使用addEventListener方法, 此方法可以为on系列事件添加多个回调
 * socket.addEventListener('open', function (event) {})
*/
socket.onopen = function(event) {
  //发送一个初始化消息
  socket.send('I am the client and I\m listening')
  //发送blob对象的列子
  var file = document.querySelector('input[type="file"]')
  socket.send(file)
}
//监听消息, 用于指定收到服务器数据后的回调函数
/**
 * 注意, 服务器数据可能是文本, 也可能是二进制数据(blob对象或ArrayBuffer对象)
*/
socket.onmessage = function(event) {
  console.log('client received a message', event)
  if(typeof event.data === String) {
    console.log("received data string")
  }
  if(event.data instanceof ArrayBuffer) {
    console.log("received arraybuffer")
  }
}
/**
 * 除了动态判断收到的数据类型, 也可以使用binarayType属性, 显示指定收到的二进制数类型
 * socket.binaryType = "blob"
 * socket.binaryType = "arraybuffer"
*/
/**
 * 实例对象的onclose属性, 用于指定连接关闭后的回调函数
 * 如果要指定多个回调函数, 使用addEventListenner方法
*/
socket.onclose = function(event) {
  console.log('Connection closed')
}
